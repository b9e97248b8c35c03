// UART receiver: 8 data bits, no parity, 1 stop bit, LSB first, idle high.
// The line is brought into the clock domain by two flip-flops. A falling edge starts a frame;
// the start bit is checked again half a bit later (a shorter low pulse is a glitch and is
// ignored), then every bit is sampled in its middle. A byte is delivered as a one-cycle pulse
// on `valid`; a frame whose stop bit reads low pulses `frame_error` instead and is dropped.
// The receiver is ready for the next start bit right after sampling the middle of the stop
// bit, so a sender slightly faster than the receiver is tolerated.
// C# model: HwFlow.Compiler.Fpga.Hdl.UartRx (keep the two cycle-identical).
module uart_rx #(
    parameter CLKS_PER_BIT = 104
) (
    input  wire       clk,
    input  wire       rst,
    input  wire       rx,
    output reg  [7:0] data,
    output reg        valid,
    output reg        frame_error
);
    localparam COUNT_WIDTH = $clog2(CLKS_PER_BIT + 1);
    localparam [1:0] IDLE = 2'd0, START = 2'd1, DATA = 2'd2, STOP = 2'd3;

    reg                   rx_meta;
    reg                   rx_sync;
    reg [1:0]             state;
    reg [COUNT_WIDTH-1:0] count;
    reg [2:0]             bit_index;

    always @(posedge clk) begin
        if (rst) begin
            rx_meta <= 1'b1;
            rx_sync <= 1'b1;
            state <= IDLE;
            count <= 0;
            bit_index <= 3'd0;
            data <= 8'd0;
            valid <= 1'b0;
            frame_error <= 1'b0;
        end else begin
            rx_meta <= rx;
            rx_sync <= rx_meta;
            valid <= 1'b0;
            frame_error <= 1'b0;
            case (state)
                IDLE: begin
                    count <= 0;
                    if (!rx_sync) state <= START;
                end
                START: begin
                    if (count == (CLKS_PER_BIT - 1) / 2) begin
                        count <= 0;
                        bit_index <= 3'd0;
                        state <= rx_sync ? IDLE : DATA;
                    end else begin
                        count <= count + 1'b1;
                    end
                end
                DATA: begin
                    if (count == CLKS_PER_BIT - 1) begin
                        count <= 0;
                        data <= {rx_sync, data[7:1]};
                        bit_index <= bit_index + 1'b1;
                        if (bit_index == 3'd7) state <= STOP;
                    end else begin
                        count <= count + 1'b1;
                    end
                end
                STOP: begin
                    if (count == CLKS_PER_BIT - 1) begin
                        count <= 0;
                        valid <= rx_sync;
                        frame_error <= !rx_sync;
                        state <= IDLE;
                    end else begin
                        count <= count + 1'b1;
                    end
                end
            endcase
        end
    end
endmodule
