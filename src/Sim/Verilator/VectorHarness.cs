using System.Text;
using HwFlow.Compiler.Rtl;

namespace HwFlow.Sim.Verilator;

/// <summary>
/// Generates the C++ harness for per-cycle random vectors on any design: the same draws as
/// <see cref="Vectors.VectorDriver"/>, printing every output every cycle. Arguments: seed, cycles.
/// </summary>
public static class VectorHarness
{
    public static string Generate(RtlModule top)
    {
        var inputs = top.Inputs.Where(p => p.Name != RtlModule.Clock).ToList();
        var outputs = top.Outputs.ToList();
        var cpp = new StringBuilder();
        CppHarness.Prelude(cpp, top.Name, "drives every input with seeded random vectors and prints every output each cycle.");
        cpp.Append("""
            // One new value per input per cycle: 0, all ones, the sign bit, previous + 1, or random words.
            static void draw(uint64_t* v, int width, bool is_reset) {
                int n = (width + 63) / 64;
                uint64_t top_mask = width % 64 == 0 ? ~0ULL : (1ULL << (width % 64)) - 1;
                uint64_t r = next_u64();
                if (is_reset) { v[0] = (r >> 60) == 0 ? 1 : 0; return; }
                switch (r & 7) {
                case 0: for (int i = 0; i < n; ++i) v[i] = 0; break;
                case 1: for (int i = 0; i < n; ++i) v[i] = ~0ULL; break;
                case 2: for (int i = 0; i < n; ++i) v[i] = 0; v[(width - 1) / 64] = 1ULL << ((width - 1) % 64); break;
                case 3: for (int i = 0; i < n; ++i) { if (++v[i] != 0) break; } break;
                default: for (int i = 0; i < n; ++i) v[i] = next_u64(); break;
                }
                v[n - 1] &= top_mask;
            }

            int main(int argc, char** argv) {
                if (argc < 3) { std::fprintf(stderr, "usage: %s SEED CYCLES\n", argv[0]); return 2; }
                rng_state = std::strtoull(argv[1], nullptr, 10);
                long long cycles = std::strtoll(argv[2], nullptr, 10);
                const std::unique_ptr<VerilatedContext> contextp{new VerilatedContext};

            """);
        cpp.Append($"    const std::unique_ptr<{CppHarness.ModelClass(top.Name)}> top{{new {CppHarness.ModelClass(top.Name)}{{contextp.get(), \"TOP\"}}}};\n");
        for (int i = 0; i < inputs.Count; i++) cpp.Append($"    uint64_t in{i}[{CppHarness.Words(inputs[i].Width)}] = {{0}};\n");
        int widest = outputs.Count == 0 ? 1 : outputs.Max(o => CppHarness.Words(o.Width));
        cpp.Append($"    uint64_t out[{widest}];\n");
        cpp.Append("    std::string body;\n    auto start = std::chrono::steady_clock::now();\n    long long cpu_start = thread_cpu_ns();\n");
        cpp.Append("    for (long long cycle = 0; cycle < cycles; ++cycle) {\n");
        for (int i = 0; i < inputs.Count; i++)
        {
            cpp.Append($"        draw(in{i}, {inputs[i].Width}, {(inputs[i].Name == RtlModule.ResetPort ? "true" : "false")});\n");
            cpp.Append($"        {CppHarness.SetPort(inputs[i], $"in{i}")}\n");
        }
        cpp.Append("        top->clk = 0;\n        top->eval();\n        body += \"C \" + std::to_string(cycle);\n");
        foreach (var output in outputs)
        {
            cpp.Append($"        std::memset(out, 0, sizeof out);\n        {CppHarness.GetPort(output, "out")}\n");
            cpp.Append($"        body += \" \";\n        append_hex(body, out, {CppHarness.Words(output.Width)});\n");
        }
        cpp.Append("""
                    body += "\n";
                    contextp->timeInc(5);
                    top->clk = 1;
                    top->eval();
                    contextp->timeInc(5);
                }
                long long cpu_end = thread_cpu_ns();
                long long nanoseconds = (long long)std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - start).count();
                top->final();
                body += "END " + std::to_string(cycles) + "\n";
                finish(body, nanoseconds, cpu_end - cpu_start);
                return 0;
            }

            """);
        return cpp.ToString();
    }
}
