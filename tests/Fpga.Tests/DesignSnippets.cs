namespace HwFlow.Fpga.Tests;

/// <summary>Small Verilog cores that break one rule each, for the flow's error paths.</summary>
public static class DesignSnippets
{
    private const string Ports = """
        input wire clk, input wire rst,
        input wire [7:0] s_axis_tdata, input wire s_axis_tvalid, output wire s_axis_tready, input wire s_axis_tlast,
        output reg [7:0] m_axis_tdata, output reg m_axis_tvalid, input wire m_axis_tready
        """;

    /// <summary>A product of two runtime values, in a submodule named "scaler".</summary>
    public const string MultiplierInSubmodule = $$"""
        module scaler(input wire clk, input wire [7:0] a, input wire [7:0] b, output reg [15:0] y);
            always @(posedge clk) y <= a * b;
        endmodule
        module hwflow_top({{Ports}});
            reg [7:0] last;
            wire [15:0] product;
            scaler scale(.clk(clk), .a(s_axis_tdata), .b(last), .y(product));
            assign s_axis_tready = 1'b1;
            always @(posedge clk) begin
                last <= s_axis_tdata;
                m_axis_tdata <= product[15:8] ^ product[7:0];
                m_axis_tvalid <= s_axis_tvalid && s_axis_tlast;
            end
        endmodule
        """;

    /// <summary>A layer's logic in an instance named as the generator names layers ("layer_l0"): an adder, a mix of its bits
    /// and a register, through named wires as generated layers have them.</summary>
    public const string LogicInLayerInstance = $$"""
        module layer(input wire clk, input wire [7:0] a, input wire [7:0] b, output reg [7:0] y);
            wire [7:0] sum = a + b;
            wire [7:0] mixed = sum ^ {sum[3:0], sum[7:4]};
            always @(posedge clk) y <= mixed;
        endmodule
        module hwflow_top({{Ports}});
            reg [7:0] last;
            wire [7:0] sum;
            layer layer_l0(.clk(clk), .a(s_axis_tdata), .b(last), .y(sum));
            assign s_axis_tready = 1'b1;
            always @(posedge clk) begin
                last <= s_axis_tdata;
                m_axis_tdata <= sum;
                m_axis_tvalid <= s_axis_tvalid && s_axis_tlast;
            end
        endmodule
        """;

    /// <summary>Products with powers of two only: shifts, which the check must accept.</summary>
    public const string PowerOfTwoProducts = $$"""
        module hwflow_top({{Ports}});
            assign s_axis_tready = 1'b1;
            always @(posedge clk) begin
                m_axis_tdata <= s_axis_tdata * 8'd4 + s_axis_tdata * 2;
                m_axis_tvalid <= s_axis_tvalid && s_axis_tlast;
            end
        endmodule
        """;

    /// <summary>An iCE40 DSP block instantiated by hand.</summary>
    public const string InstantiatedMac = $$"""
        module hwflow_top({{Ports}});
            wire [31:0] o;
            SB_MAC16 mac(.CLK(clk), .A({8'd0, s_axis_tdata}), .B({8'd0, s_axis_tdata}), .O(o));
            assign s_axis_tready = 1'b1;
            always @(posedge clk) begin
                m_axis_tdata <= o[7:0];
                m_axis_tvalid <= s_axis_tvalid && s_axis_tlast;
            end
        endmodule
        """;

    /// <summary>A 7-series DSP instantiated by hand.</summary>
    public const string InstantiatedDsp48 = $$"""
        module hwflow_top({{Ports}});
            wire [47:0] p;
            DSP48E1 dsp(.CLK(clk), .A({22'd0, s_axis_tdata}), .B({10'd0, s_axis_tdata}), .P(p));
            assign s_axis_tready = 1'b1;
            always @(posedge clk) begin
                m_axis_tdata <= p[7:0];
                m_axis_tvalid <= s_axis_tvalid && s_axis_tlast;
            end
        endmodule
        """;

    /// <summary>
    /// A chain of 5300 flip-flops, more logic cells than a UP5K has (5280). Instantiated as iCE40
    /// primitives so yosys has nothing to optimise and the test stays quick.
    /// </summary>
    public const string TooManyFlipFlops = $$"""
        module hwflow_top({{Ports}});
            wire [5300:0] chain;
            assign chain[0] = s_axis_tdata[0];
            genvar i;
            generate
                for (i = 0; i < 5300; i = i + 1) begin : stage
                    SB_DFF ff(.C(clk), .D(chain[i]), .Q(chain[i + 1]));
                end
            endgenerate
            assign s_axis_tready = 1'b1;
            always @(posedge clk) begin
                m_axis_tdata <= {7'd0, chain[5300]};
                m_axis_tvalid <= s_axis_tvalid && s_axis_tlast;
            end
        endmodule
        """;

    /// <summary>A Verilog syntax error.</summary>
    public const string SyntaxError = $$"""
        module hwflow_top({{Ports}});
            assign s_axis_tready = ;
        endmodule
        """;
}
