// First-in first-out buffer between two AXI4-Stream-style interfaces, 2**DEPTH_LOG2 entries.
// The storage has one synchronous read port so yosys maps it to block RAM. The word at the
// head is read into the output register as soon as the output is free, so m_tvalid rises
// two cycles after the first write. Full means the storage holds 2**DEPTH_LOG2 words (the
// output register holds one more).
// C# model: HwFlow.Compiler.Fpga.Hdl.StreamFifo (keep the two cycle-identical).
module stream_fifo #(
    parameter WIDTH = 8,
    parameter DEPTH_LOG2 = 10
) (
    input  wire             clk,
    input  wire             rst,
    input  wire [WIDTH-1:0] s_tdata,
    input  wire             s_tvalid,
    output wire             s_tready,
    output reg  [WIDTH-1:0] m_tdata,
    output reg              m_tvalid,
    input  wire             m_tready
);
    reg [WIDTH-1:0]      storage [0:(1 << DEPTH_LOG2) - 1];
    reg [DEPTH_LOG2-1:0] write_address;
    reg [DEPTH_LOG2-1:0] read_address;
    reg [DEPTH_LOG2:0]   stored;

    assign s_tready = stored != (1 << DEPTH_LOG2);
    wire write = s_tvalid && s_tready;
    wire read = stored != 0 && (!m_tvalid || m_tready);

    always @(posedge clk) begin
        if (write) storage[write_address] <= s_tdata;
        if (read) m_tdata <= storage[read_address];
    end

    always @(posedge clk) begin
        if (rst) begin
            write_address <= 0;
            read_address <= 0;
            stored <= 0;
            m_tvalid <= 1'b0;
        end else begin
            if (write) write_address <= write_address + 1'b1;
            if (read) read_address <= read_address + 1'b1;
            stored <= stored + write - read;
            if (read) m_tvalid <= 1'b1;
            else if (m_tready) m_tvalid <= 1'b0;
        end
    end
endmodule
