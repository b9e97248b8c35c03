// Board shell for the iCEBreaker (iCE40UP5K-SG48, 12 MHz clock): a compiled hwflow_top that
// classifies frames sent over the FTDI UART (115200 baud, 8N1 by default).
//
// Protocol: the host sends the INPUT_BYTES raw input bytes of a frame; the board answers with
// one byte, the class index (the low 8 bits of m_axis_tdata). A FIFO as deep as a whole frame
// sits between the receiver and the core, so no byte is lost however long the core stalls its
// input, as long as the host waits for each answer before sending the next frame.
// The button (BTN_N) resets the core and the frame count, e.g. after an aborted frame.
// LEDs (active low): green toggles with every answer, red lights after a UART framing error
// (cleared by the button).
module icebreaker_top #(
    parameter CLKS_PER_BIT = 104,     // 12 MHz / 115200 baud
    parameter INPUT_BYTES = 784,
    parameter INPUT_WIDTH = 8,        // s_axis_tdata bits: the UART's bytes are packed INPUT_WIDTH / 8 to a beat
    parameter OUTPUT_WIDTH = 8,
    parameter FIFO_DEPTH_LOG2 = 10    // 2**FIFO_DEPTH_LOG2 >= INPUT_BYTES
) (
    input  wire CLK,
    input  wire RX,
    output wire TX,
    input  wire BTN_N,
    output wire LEDR_N,
    output wire LEDG_N
);
    // iCE40 flip-flops power up at zero (so every initial value here is zero): hold reset for
    // 15 cycles after configuration, and while the (synchronised) button is pressed.
    reg [3:0] power_on = 4'd0;
    reg       pressed_meta = 1'b0;
    reg       pressed = 1'b0;
    wire      rst = power_on != 4'hf || pressed;
    always @(posedge CLK) begin
        if (power_on != 4'hf) power_on <= power_on + 1'b1;
        pressed_meta <= !BTN_N;
        pressed <= pressed_meta;
    end

    wire [7:0] rx_data;
    wire       rx_valid;
    wire       rx_frame_error;
    uart_rx #(.CLKS_PER_BIT(CLKS_PER_BIT)) receiver (
        .clk(CLK), .rst(rst), .rx(RX),
        .data(rx_data), .valid(rx_valid), .frame_error(rx_frame_error));

    // The UART cannot be stalled: a byte that finds the FIFO full is lost (red LED).
    wire       fifo_ready;
    wire [7:0] byte_tdata;
    wire       byte_tvalid;
    wire       byte_tready;
    stream_fifo #(.WIDTH(8), .DEPTH_LOG2(FIFO_DEPTH_LOG2)) input_fifo (
        .clk(CLK), .rst(rst),
        .s_tdata(rx_data), .s_tvalid(rx_valid), .s_tready(fifo_ready),
        .m_tdata(byte_tdata), .m_tvalid(byte_tvalid), .m_tready(byte_tready));

    // Bytes into beats: the first byte of a beat in its low bits (AXI4-Stream byte lanes).
    localparam BEAT_BYTES = INPUT_WIDTH / 8;
    localparam BEATS = INPUT_BYTES / BEAT_BYTES;
    wire [INPUT_WIDTH-1:0] core_tdata;
    wire                   core_tvalid;
    wire                   core_tready;
    generate
        if (BEAT_BYTES == 1) begin : bytewise
            assign core_tdata = byte_tdata;
            assign core_tvalid = byte_tvalid;
            assign byte_tready = core_tready;
        end else begin : packed_beats
            reg [INPUT_WIDTH-1:0]          word;
            reg [$clog2(BEAT_BYTES + 1)-1:0] filled;
            wire                           full = filled == BEAT_BYTES;
            assign core_tdata = word;
            assign core_tvalid = full;
            assign byte_tready = !full;
            always @(posedge CLK) begin
                if (rst) filled <= 0;
                else if (full) begin
                    if (core_tready) filled <= 0;
                end else if (byte_tvalid) begin
                    word[filled * 8 +: 8] <= byte_tdata;
                    filled <= filled + 1'b1;
                end
            end
        end
    endgenerate

    // The UART carries no framing: every BEATS-th beat into the core is the last of a frame.
    localparam COUNT_WIDTH = $clog2(BEATS + 1);
    reg  [COUNT_WIDTH-1:0] byte_index;
    wire                   core_tlast = byte_index == BEATS - 1;
    always @(posedge CLK) begin
        if (rst) byte_index <= 0;
        else if (core_tvalid && core_tready) byte_index <= core_tlast ? 0 : byte_index + 1'b1;
    end

    wire [OUTPUT_WIDTH-1:0] class_tdata;
    wire                    class_tvalid;
    wire                    class_tready;
    hwflow_top core (
        .clk(CLK), .rst(rst),
        .s_axis_tdata(core_tdata), .s_axis_tvalid(core_tvalid), .s_axis_tready(core_tready),
        .s_axis_tlast(core_tlast),
        .m_axis_tdata(class_tdata), .m_axis_tvalid(class_tvalid), .m_axis_tready(class_tready));

    wire [7:0] class_byte;
    generate
        if (OUTPUT_WIDTH >= 8) begin : narrow
            assign class_byte = class_tdata[7:0];
        end else begin : widen
            assign class_byte = {{(8 - OUTPUT_WIDTH){1'b0}}, class_tdata};
        end
    endgenerate

    uart_tx #(.CLKS_PER_BIT(CLKS_PER_BIT)) transmitter (
        .clk(CLK), .rst(rst),
        .s_tdata(class_byte), .s_tvalid(class_tvalid), .s_tready(class_tready), .tx(TX));

    reg answered = 1'b0;
    reg trouble = 1'b0;
    always @(posedge CLK) begin
        if (class_tvalid && class_tready) answered <= !answered;
        if (rst) trouble <= 1'b0;
        else if (rx_frame_error || (rx_valid && !fifo_ready)) trouble <= 1'b1;
    end
    assign LEDG_N = !answered;
    assign LEDR_N = !trouble;
endmodule
