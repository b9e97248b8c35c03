using System.Text;
using HwFlow.Compiler.Rtl;

namespace HwFlow.Sim.Verilator;

/// <summary>
/// Generates the C++ harness that drives the AXI4-Stream top exactly as
/// <see cref="Streams.StreamDriver"/> does (same draws, same decisions, same end rules) from a
/// stimulus file (<see cref="Streams.StreamStimulus.ToText"/>) and prints the same trace lines.
/// </summary>
public static class StreamHarness
{
    public static string Generate(RtlModule top)
    {
        var data = top.Port("m_axis_tdata");
        int beatBytes = top.Port("s_axis_tdata").Width / 8;
        if (top.Port("s_axis_tdata").Width is not (8 or 16 or 24 or 32 or 40 or 48 or 56 or 64))
            throw new ArgumentException($"port s_axis_tdata of {top.Name} must be a whole number of bytes, at most 64 bits");
        foreach (var (name, width) in new[] { ("rst", 1), ("s_axis_tvalid", 1), ("s_axis_tready", 1), ("s_axis_tlast", 1), ("m_axis_tvalid", 1), ("m_axis_tready", 1) })
            if (top.Port(name).Width != width) throw new ArgumentException($"port {name} of {top.Name} must be {width} bits wide");
        var cpp = new StringBuilder();
        CppHarness.Prelude(cpp, top.Name, "drives the AXI4-Stream top from a stimulus file and prints every output transaction.");
        cpp.Append($$$"""
            struct Stimulus {
                uint64_t seed = 0, gap = 0, stall = 0, initial_reset = 0, deadlock_cycles = 0, max_cycles = 0;
                std::vector<std::pair<long long, long long>> resets;
                std::vector<std::vector<uint8_t>> frames;
            };

            static bool read_stimulus(const char* path, Stimulus& s) {
                FILE* f = std::fopen(path, "rb");
                if (!f) return false;
                std::string text;
                char chunk[1 << 16];
                size_t got;
                while ((got = std::fread(chunk, 1, sizeof chunk, f)) > 0) text.append(chunk, got);
                std::fclose(f);
                size_t at = 0;
                auto word = [&]() -> std::string {
                    while (at < text.size() && std::isspace((unsigned char)text[at])) ++at;
                    size_t start = at;
                    while (at < text.size() && !std::isspace((unsigned char)text[at])) ++at;
                    return text.substr(start, at - start);
                };
                auto number = [&](int base) -> unsigned long long { return std::strtoull(word().c_str(), nullptr, base); };
                auto keyed = [&](const char* key, uint64_t& value) { if (word() != key) return false; value = number(10); return true; };
                if (word() != "{{{Streams.StreamStimulus.Format}}}") return false;
                uint64_t resets = 0, frames = 0;
                if (!keyed("seed", s.seed) || !keyed("gap_threshold", s.gap) || !keyed("stall_threshold", s.stall)
                    || !keyed("initial_reset", s.initial_reset) || !keyed("deadlock_cycles", s.deadlock_cycles)
                    || !keyed("max_cycles", s.max_cycles) || !keyed("resets", resets)) return false;
                for (uint64_t i = 0; i < resets; ++i) {
                    long long cycle = (long long)number(10);
                    long long length = (long long)number(10);
                    s.resets.emplace_back(cycle, length);
                }
                if (!keyed("frames", frames)) return false;
                s.frames.resize(frames);
                for (auto& frame : s.frames) {
                    frame.resize(number(10));
                    for (auto& b : frame) b = (uint8_t)number(16);
                }
                return true;
            }

            // One beat of s_axis_tdata: BEAT_BYTES bytes of the frame, the first in the low bits (AXI4-Stream byte lanes).
            static const size_t BEAT_BYTES = {{{beatBytes}}};
            static uint64_t beat(const std::vector<uint8_t>& frame, size_t position) {
                uint64_t value = 0;
                for (size_t b = BEAT_BYTES; b-- > 0;) value = (value << 8) | frame[position * BEAT_BYTES + b];
                return value;
            }

            int main(int argc, char** argv) {
                if (argc < 2) { std::fprintf(stderr, "usage: %s STIMULUS\n", argv[0]); return 2; }
                Stimulus s;
                if (!read_stimulus(argv[1], s)) { std::fprintf(stderr, "cannot read the stimulus file %s\n", argv[1]); return 2; }
                std::stable_sort(s.resets.begin(), s.resets.end(), [](const auto& a, const auto& b) { return a.first < b.first; });

                const std::unique_ptr<VerilatedContext> contextp{new VerilatedContext};
                const std::unique_ptr<{{{CppHarness.ModelClass(top.Name)}}}> top{new {{{CppHarness.ModelClass(top.Name)}}}{contextp.get(), "TOP"}};
                rng_state = s.seed;
                size_t frame = 0, position = 0, next_reset = 0;
                bool offering = false;
                long long expected = 0, outputs_since = 0, last_progress = 0, reset_until = (long long)s.initial_reset, cycles = 0;
                const char* status = "timeout";
                std::string body, stall;
                uint64_t data[{{{CppHarness.Words(data.Width)}}}];
                auto start = std::chrono::steady_clock::now();
                long long cpu_start = thread_cpu_ns();
                for (long long cycle = 0;; ++cycle) {
                    uint64_t draw_in = next_u64() >> 32, draw_out = next_u64() >> 32;
                    if (next_reset < s.resets.size() && s.resets[next_reset].first == cycle) {
                        reset_until = std::max(reset_until, cycle + s.resets[next_reset++].second);
                        if (position > 0 && frame < s.frames.size()) { ++frame; position = 0; }
                        offering = false;
                        expected = outputs_since = 0;
                    }
                    bool in_reset = cycle < reset_until;
                    if (in_reset) last_progress = cycle;
                    bool work_left = frame < s.frames.size();
                    if (!in_reset && !offering && work_left && draw_in >= s.gap) offering = true;
                    bool ready_out = !in_reset && draw_out >= s.stall;
                    top->clk = 0;
                    top->rst = in_reset;
                    top->s_axis_tvalid = offering;
                    top->s_axis_tdata = work_left ? beat(s.frames[frame], position) : 0;
                    top->s_axis_tlast = work_left && position == s.frames[frame].size() / BEAT_BYTES - 1;
                    top->m_axis_tready = ready_out;
                    top->eval();
                    bool input_fires = offering && top->s_axis_tready;
                    bool output_fires = ready_out && top->m_axis_tvalid;
                    if (output_fires) {
                        std::memset(data, 0, sizeof data);
                        {{{CppHarness.GetPort(data, "data")}}}
                        body += "O " + std::to_string(cycle) + " ";
                        append_hex(body, data, {{{CppHarness.Words(data.Width)}}});
                        body += "\n";
                        ++outputs_since;
                        last_progress = cycle;
                    }
                    if (input_fires) {
                        offering = false;
                        last_progress = cycle;
                        if (++position == s.frames[frame].size() / BEAT_BYTES) { ++frame; position = 0; ++expected; }
                    }
                    contextp->timeInc(5);
                    top->clk = 1;
                    top->eval();
                    contextp->timeInc(5);
                    cycles = cycle + 1;
                    bool resets_pending = next_reset < s.resets.size() || in_reset;
                    if (outputs_since > expected) { status = "duplicated"; break; }
                    if (!resets_pending && frame >= s.frames.size() && outputs_since == expected) { status = "completed"; break; }
                    if (cycle - last_progress >= (long long)s.deadlock_cycles) {
                        status = "deadlock";
                        stall = "STALL s_axis_tvalid=" + std::to_string((int)offering) + " s_axis_tready=" + std::to_string((int)top->s_axis_tready)
                            + " m_axis_tvalid=" + std::to_string((int)top->m_axis_tvalid) + " m_axis_tready=" + std::to_string((int)ready_out) + "\n";
                        break;
                    }
                    if ((unsigned long long)cycles >= s.max_cycles) break;
                }
                long long cpu_end = thread_cpu_ns();
                long long nanoseconds = (long long)std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - start).count();
                top->final();
                body += "END " + std::string(status) + " " + std::to_string(cycles) + "\n" + stall;
                finish(body, nanoseconds, cpu_end - cpu_start);
                return 0;
            }

            """);
        return cpp.ToString();
    }
}
