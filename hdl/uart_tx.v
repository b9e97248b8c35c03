// UART transmitter: 8 data bits, no parity, 1 stop bit, LSB first, idle high.
// Takes one byte per handshake on an AXI4-Stream-style input and is ready again once the stop
// bit has been on the line for a full bit time.
// C# model: HwFlow.Compiler.Fpga.Hdl.UartTx (keep the two cycle-identical).
module uart_tx #(
    parameter CLKS_PER_BIT = 104
) (
    input  wire       clk,
    input  wire       rst,
    input  wire [7:0] s_tdata,
    input  wire       s_tvalid,
    output wire       s_tready,
    output wire       tx
);
    localparam COUNT_WIDTH = $clog2(CLKS_PER_BIT + 1);

    // Bit 0 is on the line; the frame is shifted out to the right, idle (1) shifted in.
    reg [9:0]             shifter;
    reg [3:0]             bits_left;
    reg [COUNT_WIDTH-1:0] count;

    assign s_tready = bits_left == 4'd0;
    assign tx = shifter[0];

    always @(posedge clk) begin
        if (rst) begin
            shifter <= 10'h3ff;
            bits_left <= 4'd0;
            count <= 0;
        end else if (bits_left == 4'd0) begin
            if (s_tvalid) begin
                shifter <= {1'b1, s_tdata, 1'b0};
                bits_left <= 4'd10;
                count <= 0;
            end
        end else if (count == CLKS_PER_BIT - 1) begin
            count <= 0;
            shifter <= {1'b1, shifter[9:1]};
            bits_left <= bits_left - 1'b1;
        end else begin
            count <= count + 1'b1;
        end
    end
endmodule
