using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace HwFlow.Fpga.Simulation;

/// <summary>
/// Behavioural RAMB18E1 and RAMB36E1 for the gate-level check of synth_xilinx netlists. yosys's
/// xilinx/cells_sim.v declares both as empty shells (ports, parameters and timing, no contents),
/// so a netlist with block RAM reads zeros under Verilator and X under Icarus. These models follow
/// the 7-series block RAM user guide (UG473) as far as a generated design uses it: true dual port
/// (widths 1, 2, 4, 9, 18, 36) and simple dual port (36 or 72 bits: read on port A, write on port B,
/// the word's low half on the A pins), byte-wide write enables, WRITE_FIRST / READ_FIRST /
/// NO_CHANGE on a port that reads and writes, inverted clock and enable pins. The memory is one bit
/// vector in the INIT/INITP order (Icarus runs a vector of bits 60 times faster than an array of
/// them here), so a word of width w is bits [i*w, (i+1)*w) of the data (and of
/// the parity) whatever the port's width. Output registers, the output latches' start and reset
/// values, ECC and cascades are not modelled: a netlist that uses them stops the simulation with a message
/// rather than being checked against a guess.
/// </summary>
public static class Xc7BlockRamModels
{
    /// <summary>Writes <see cref="CellModels"/> of the installed yosys's xilinx/cells_sim.v to <paramref name="path"/>; returns the path.</summary>
    public static string WriteCellModels(FpgaTools tools, string path)
    {
        File.WriteAllText(path, CellModels(File.ReadAllText(tools.YosysDataFile("xilinx/cells_sim.v"))));
        return path;
    }

    /// <summary>yosys's cells_sim.v without its two block RAM shells, followed by the models above.</summary>
    public static string CellModels(string yosysCellsSim)
    {
        var cells = yosysCellsSim;
        foreach (var name in new[] { "RAMB18E1", "RAMB36E1" })
        {
            var shell = new Regex($@"^module {name}\b.*?^endmodule\s*$", RegexOptions.Singleline | RegexOptions.Multiline);
            if (!shell.IsMatch(cells)) throw new InvalidOperationException($"yosys's xilinx/cells_sim.v has no module {name} to replace");
            cells = shell.Replace(cells, "", 1);
        }
        return cells + "\n" + Verilog;
    }

    /// <summary>Both models' Verilog.</summary>
    public static string Verilog { get; } = Model(new Size("RAMB18E1", 14, 16_384, 16, 2, 2, 4, 18)) + Model(new Size("RAMB36E1", 15, 32_768, 32, 4, 4, 8, 36));

    /// <param name="AddressBits">Address bits that select a bit of the array (RAMB36E1's ADDR[15] is for cascades).</param>
    /// <param name="DataWidth">Width of each DO/DI pin group; SDP words are twice that.</param>
    private sealed record Size(string Name, int AddressBits, int DataBits, int DataWidth, int ParityWidth, int WeaBits, int WebBits, int TdpWidth)
    {
        public int ParityBits => DataBits / 8;
        public int InitCount => DataBits / 256;
        public int InitPCount => ParityBits / 256;
        public bool Big => Name == "RAMB36E1";
    }

    private static string Model(Size s)
    {
        var v = new StringBuilder();
        var pin = s.Big ? 16 : 14;
        v.AppendLine($"// hwflow: behavioural {s.Name} for gate-level checks (see Xc7BlockRamModels.cs)");
        v.AppendLine($"module {s.Name} (");
        v.AppendLine($"    output [{s.DataWidth - 1}:0] DOADO, output [{s.DataWidth - 1}:0] DOBDO,");
        v.AppendLine($"    output [{s.ParityWidth - 1}:0] DOPADOP, output [{s.ParityWidth - 1}:0] DOPBDOP,");
        if (s.Big)
        {
            v.AppendLine("    output CASCADEOUTA, output CASCADEOUTB, output [7:0] ECCPARITY, output [8:0] RDADDRECC, output SBITERR, output DBITERR,");
            v.AppendLine("    input CASCADEINA, input CASCADEINB, input INJECTDBITERR, input INJECTSBITERR,");
        }
        v.AppendLine("    input CLKARDCLK, input CLKBWRCLK, input ENARDEN, input ENBWREN, input REGCEAREGCE, input REGCEB,");
        v.AppendLine("    input RSTRAMARSTRAM, input RSTRAMB, input RSTREGARSTREG, input RSTREGB,");
        v.AppendLine($"    input [{pin - 1}:0] ADDRARDADDR, input [{pin - 1}:0] ADDRBWRADDR,");
        v.AppendLine($"    input [{s.DataWidth - 1}:0] DIADI, input [{s.DataWidth - 1}:0] DIBDI, input [{s.ParityWidth - 1}:0] DIPADIP, input [{s.ParityWidth - 1}:0] DIPBDIP,");
        v.AppendLine($"    input [{s.WeaBits - 1}:0] WEA, input [{s.WebBits - 1}:0] WEBWE);");
        for (var i = 0; i < s.InitCount; i++) v.AppendLine(Invariant($"    parameter [255:0] INIT_{i:X2} = 256'h0;"));
        for (var i = 0; i < s.InitPCount; i++) v.AppendLine(Invariant($"    parameter [255:0] INITP_{i:X2} = 256'h0;"));
        v.AppendLine("""
                parameter integer DOA_REG = 0;
                parameter integer DOB_REG = 0;
                parameter EN_ECC_READ = "FALSE";
                parameter EN_ECC_WRITE = "FALSE";
                parameter INIT_A = 0;
                parameter INIT_B = 0;
                parameter INIT_FILE = "NONE";
                parameter RAM_EXTENSION_A = "NONE";
                parameter RAM_EXTENSION_B = "NONE";
                parameter RAM_MODE = "TDP";
                parameter RDADDR_COLLISION_HWCONFIG = "DELAYED_WRITE";
                parameter integer READ_WIDTH_A = 0;
                parameter integer READ_WIDTH_B = 0;
                parameter RSTREG_PRIORITY_A = "RSTREG";
                parameter RSTREG_PRIORITY_B = "RSTREG";
                parameter SIM_COLLISION_CHECK = "ALL";
                parameter SIM_DEVICE = "7SERIES";
                parameter SRVAL_A = 0;
                parameter SRVAL_B = 0;
                parameter WRITE_MODE_A = "WRITE_FIRST";
                parameter WRITE_MODE_B = "WRITE_FIRST";
                parameter integer WRITE_WIDTH_A = 0;
                parameter integer WRITE_WIDTH_B = 0;
                parameter IS_CLKARDCLK_INVERTED = 1'b0;
                parameter IS_CLKBWRCLK_INVERTED = 1'b0;
                parameter IS_ENARDEN_INVERTED = 1'b0;
                parameter IS_ENBWREN_INVERTED = 1'b0;
                parameter IS_RSTRAMARSTRAM_INVERTED = 1'b0;
                parameter IS_RSTRAMB_INVERTED = 1'b0;
                parameter IS_RSTREGARSTREG_INVERTED = 1'b0;
                parameter IS_RSTREGB_INVERTED = 1'b0;
            """);
        if (s.Big) v.AppendLine("    assign {CASCADEOUTA, CASCADEOUTB, ECCPARITY, RDADDRECC, SBITERR, DBITERR} = 0;");
        v.AppendLine(Invariant($$"""
                localparam SDP = RAM_MODE == "SDP";
                // a port's data and parity bits (9 = 8 + 1 ...), and log2 of its data bits: the address bits below the word
                function integer data_bits(input integer w); data_bits = w >= 9 ? w / 9 * 8 : w; endfunction
                function integer parity_bits(input integer w); parity_bits = w >= 9 ? w / 9 : 0; endfunction
                function integer low_bits(input integer d); low_bits = d >= 64 ? 6 : d >= 32 ? 5 : d >= 16 ? 4 : d >= 8 ? 3 : d >= 4 ? 2 : d >= 2 ? 1 : 0; endfunction
                localparam RDA = data_bits(READ_WIDTH_A), RPA = parity_bits(READ_WIDTH_A);
                localparam RDB = data_bits(READ_WIDTH_B), RPB = parity_bits(READ_WIDTH_B);
                localparam WDA = data_bits(WRITE_WIDTH_A), WPA = parity_bits(WRITE_WIDTH_A);
                localparam WDB = data_bits(WRITE_WIDTH_B), WPB = parity_bits(WRITE_WIDTH_B);

                // Each vector has a guard bit above its contents, set at the start: Verilator 5.006 writes a wide
                // constant whose top words are zero (a ROM that fills part of its block) with VL_CONSTHI_W,
                // which zeroes as many words past the vector's end as lie below the constant's nonzero top
                // (verilator pull request 4556, fixed in 5.018) and so wiped the model's scheduler. With the
                // top bit set, the constant's top word is never zero and nothing is written past the end.
                reg [{{s.DataBits}}:0] mem;
                reg [{{s.ParityBits}}:0] memp;
                integer i;
                initial begin
                    mem = { 1'b1, {{string.Join(", ", Enumerable.Range(0, s.InitCount).Reverse().Select(i => Invariant($"INIT_{i:X2}")))}} };
                    memp = { 1'b1, {{string.Join(", ", Enumerable.Range(0, s.InitPCount).Reverse().Select(i => Invariant($"INITP_{i:X2}")))}} };
                    if (INIT_A != 0 || INIT_B != 0) begin $display("hwflow {{s.Name}} model: INIT_A/INIT_B (output latch start values) are not modelled"); $finish; end
                    if (DOA_REG != 0 || DOB_REG != 0) begin $display("hwflow {{s.Name}} model: output registers (DOA_REG/DOB_REG) are not modelled"); $finish; end
                    if (SDP && (READ_WIDTH_B != 0 || WRITE_WIDTH_A != 0)) begin $display("hwflow {{s.Name}} model: SDP reads on port A and writes on port B only"); $finish; end
                    if (!SDP && (READ_WIDTH_A > {{s.TdpWidth}} || READ_WIDTH_B > {{s.TdpWidth}} || WRITE_WIDTH_A > {{s.TdpWidth}} || WRITE_WIDTH_B > {{s.TdpWidth}})) begin $display("hwflow {{s.Name}} model: TDP width over {{s.TdpWidth}}"); $finish; end
                end

                wire clka = CLKARDCLK ^ IS_CLKARDCLK_INVERTED[0], clkb = CLKBWRCLK ^ IS_CLKBWRCLK_INVERTED[0];
                wire ena = ENARDEN ^ IS_ENARDEN_INVERTED[0], enb = ENBWREN ^ IS_ENBWREN_INVERTED[0];
                wire rsta = RSTRAMARSTRAM ^ IS_RSTRAMARSTRAM_INVERTED[0], rstb = RSTRAMB ^ IS_RSTRAMB_INVERTED[0];
                wire [{{s.AddressBits - 1}}:0] addra = ADDRARDADDR[{{s.AddressBits - 1}}:0], addrb = ADDRBWRADDR[{{s.AddressBits - 1}}:0];
                // what port B writes: the SDP word is {B pins, A pins}, a TDP word its own B pins; byte lanes
                // enable 8 data bits and their parity bit
                wire [{{2 * s.DataWidth - 1}}:0] wdata = SDP ? {DIBDI, DIADI} : {{{s.DataWidth}}'d0, DIBDI};
                wire [{{2 * s.ParityWidth - 1}}:0] wpar = SDP ? {DIPBDIP, DIPADIP} : {{{s.ParityWidth}}'d0, DIPBDIP};

                // the output latches: port A's holds a whole SDP word, whose high half goes out on the B pins
                reg [{{2 * s.DataWidth - 1}}:0] a_do;
                reg [{{2 * s.ParityWidth - 1}}:0] a_dop;
                reg [{{s.DataWidth - 1}}:0] b_do;
                reg [{{s.ParityWidth - 1}}:0] b_dop;
                initial begin a_do = 0; a_dop = 0; b_do = 0; b_dop = 0; end
                assign DOADO = a_do[{{s.DataWidth - 1}}:0];
                assign DOPADOP = a_dop[{{s.ParityWidth - 1}}:0];
                assign DOBDO = SDP ? a_do[{{2 * s.DataWidth - 1}}:{{s.DataWidth}}] : b_do;
                assign DOPBDOP = SDP ? a_dop[{{2 * s.ParityWidth - 1}}:{{s.ParityWidth}}] : b_dop;

                // port A: the TDP port's read and write, or the SDP read
                always @(posedge clka) if (ena) begin
                    if (rsta) begin $display("hwflow {{s.Name}} model: RSTRAMARSTRAM is not modelled"); $finish; end
                    if (!SDP && WDA > 0 && (WDA < 8 ? WEA[0] : |WEA)) begin
                        if (READ_WIDTH_A != 0 && READ_WIDTH_A != WRITE_WIDTH_A && WRITE_MODE_A != "READ_FIRST") begin $display("hwflow {{s.Name}} model: WRITE_FIRST/NO_CHANGE with unequal widths"); $finish; end
                        for (i = 0; i < WDA; i = i + 1) if (WDA < 8 ? WEA[0] : WEA[i / 8]) mem[(addra >> low_bits(WDA)) * WDA + i] <= DIADI[i];
                        for (i = 0; i < WPA; i = i + 1) if (WEA[i]) memp[(addra >> low_bits(WDA)) * WPA + i] <= DIPADIP[i];
                        if (WRITE_MODE_A == "WRITE_FIRST") begin
                            for (i = 0; i < RDA; i = i + 1) a_do[i] <= (WDA < 8 ? WEA[0] : WEA[i / 8]) ? DIADI[i] : mem[(addra >> low_bits(RDA)) * RDA + i];
                            for (i = 0; i < RPA; i = i + 1) a_dop[i] <= WEA[i] ? DIPADIP[i] : memp[(addra >> low_bits(RDA)) * RPA + i];
                        end else if (WRITE_MODE_A == "READ_FIRST") begin
                            for (i = 0; i < RDA; i = i + 1) a_do[i] <= mem[(addra >> low_bits(RDA)) * RDA + i];
                            for (i = 0; i < RPA; i = i + 1) a_dop[i] <= memp[(addra >> low_bits(RDA)) * RPA + i];
                        end
                    end else begin
                        for (i = 0; i < RDA; i = i + 1) a_do[i] <= mem[(addra >> low_bits(RDA)) * RDA + i];
                        for (i = 0; i < RPA; i = i + 1) a_dop[i] <= memp[(addra >> low_bits(RDA)) * RPA + i];
                    end
                end

                // port B: the TDP port's read and write, or the SDP write
                always @(posedge clkb) if (enb) begin
                    if (rstb && !SDP) begin $display("hwflow {{s.Name}} model: RSTRAMB is not modelled"); $finish; end
                    if (WDB > 0 && (WDB < 8 ? WEBWE[0] : |WEBWE)) begin
                        if (!SDP && READ_WIDTH_B != 0 && READ_WIDTH_B != WRITE_WIDTH_B && WRITE_MODE_B != "READ_FIRST") begin $display("hwflow {{s.Name}} model: WRITE_FIRST/NO_CHANGE with unequal widths"); $finish; end
                        for (i = 0; i < WDB; i = i + 1) if (WDB < 8 ? WEBWE[0] : WEBWE[i / 8]) mem[(addrb >> low_bits(WDB)) * WDB + i] <= wdata[i];
                        for (i = 0; i < WPB; i = i + 1) if (WEBWE[i]) memp[(addrb >> low_bits(WDB)) * WPB + i] <= wpar[i];
                        if (!SDP && WRITE_MODE_B == "WRITE_FIRST") begin
                            for (i = 0; i < RDB; i = i + 1) b_do[i] <= (WDB < 8 ? WEBWE[0] : WEBWE[i / 8]) ? DIBDI[i] : mem[(addrb >> low_bits(RDB)) * RDB + i];
                            for (i = 0; i < RPB; i = i + 1) b_dop[i] <= WEBWE[i] ? DIPBDIP[i] : memp[(addrb >> low_bits(RDB)) * RPB + i];
                        end else if (!SDP && WRITE_MODE_B == "READ_FIRST") begin
                            for (i = 0; i < RDB; i = i + 1) b_do[i] <= mem[(addrb >> low_bits(RDB)) * RDB + i];
                            for (i = 0; i < RPB; i = i + 1) b_dop[i] <= memp[(addrb >> low_bits(RDB)) * RPB + i];
                        end
                    end else if (!SDP) begin
                        for (i = 0; i < RDB; i = i + 1) b_do[i] <= mem[(addrb >> low_bits(RDB)) * RDB + i];
                        for (i = 0; i < RPB; i = i + 1) b_dop[i] <= memp[(addrb >> low_bits(RDB)) * RPB + i];
                    end
                end
            endmodule

            """));
        return v.ToString();
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
