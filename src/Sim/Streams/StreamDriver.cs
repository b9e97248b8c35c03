using System.Numerics;
using HwFlow.Runtime.Numerics;

namespace HwFlow.Sim.Streams;

/// <summary>
/// Drives the build folder's AXI4-Stream top (clk, rst, s_axis_*, m_axis_*) in a simulator.
/// Each cycle: draw two numbers, set rst / s_axis_tvalid / tdata / tlast / m_axis_tready, settle,
/// see which handshakes happen on this edge, then clock. The generated Verilator harness
/// (<see cref="Verilator.StreamHarness"/>) does exactly the same, so traces match cycle for
/// cycle. A valid beat stays offered until accepted (AXI rule); gaps only delay the next beat.
/// <para>
/// On a multi-lane simulator (<see cref="Simulator.CreateLanes"/> with s_axis_tdata as the lane
/// input) <see cref="RunLanes"/> drives one stream per lane under one stimulus timing: every lane
/// sees the same gaps, backpressure and resets and frames of the same lengths, only the bytes
/// differ. That is exact only if the design's handshakes never depend on the data, which the
/// simulator's lane analysis proves (s_axis_tready and m_axis_tvalid shared by all lanes) or the
/// driver refuses.
/// </para>
/// </summary>
public sealed class StreamDriver
{
    private readonly Simulator _sim;
    private readonly SimSignal _rst, _tdata, _tvalid, _tready, _tlast, _mdata, _mvalid, _mready;
    private readonly int _beatBytes;

    public StreamDriver(Simulator sim)
    {
        _sim = sim;
        _rst = Port("rst", 1, input: true);
        _tdata = Port("s_axis_tdata", null, input: true);
        if (_tdata.Width % 8 != 0 || _tdata.Width > 64)
            throw new ArgumentException($"design {_sim.Module.Name}: s_axis_tdata must be a whole number of bytes, at most 64 bits, is {_tdata.Width}");
        _beatBytes = _tdata.Width / 8;
        _tvalid = Port("s_axis_tvalid", 1, input: true);
        _tready = Port("s_axis_tready", 1, input: false);
        _tlast = Port("s_axis_tlast", 1, input: true);
        _mdata = Port("m_axis_tdata", null, input: false);
        _mvalid = Port("m_axis_tvalid", 1, input: false);
        _mready = Port("m_axis_tready", 1, input: true);
    }

    public Simulator Simulator => _sim;

    /// <summary>Whether the lanes can share one stimulus timing: the input bytes differ per lane, the handshake does not.</summary>
    public bool SharesTiming => !_sim.IsVarying(_tready) && !_sim.IsVarying(_mvalid) && _sim.IsVarying(_tdata);

    /// <summary>Called after each settle with the cycle number (for VCD dumps and probes).</summary>
    public Action<long>? OnCycle { get; init; }

    /// <summary>Checked every 4096 cycles, so Ctrl-C stops a long run promptly.</summary>
    public CancellationToken Cancel { get; init; }

    public StreamTrace Run(StreamStimulus stimulus) => Drive(stimulus, [stimulus.Frames])[0];

    /// <summary>
    /// One stream per lane, <paramref name="laneFrames"/>[l] into lane l, each frame as long as
    /// the same frame of <paramref name="stimulus"/> (whose own bytes are not used): one trace
    /// per lane, each equal to what a single-lane run of that lane's frames gives.
    /// </summary>
    public IReadOnlyList<StreamTrace> RunLanes(StreamStimulus stimulus, IReadOnlyList<IReadOnlyList<byte[]>> laneFrames)
    {
        if (laneFrames.Count != _sim.Lanes) throw new ArgumentException($"the simulator runs {_sim.Lanes} lanes, got {laneFrames.Count} frame lists");
        if (_sim.Lanes > 1 && !SharesTiming)
            throw new InvalidOperationException($"design {_sim.Module.Name}: the handshake (s_axis_tready, m_axis_tvalid) depends on the input data, so lanes cannot share one stimulus timing; simulate one lane");
        foreach (var frames in laneFrames)
            if (frames.Count != stimulus.Frames.Count || frames.Where((f, i) => f.Length != stimulus.Frames[i].Length).Any())
                throw new ArgumentException("every lane needs as many frames as the stimulus, of the same lengths");
        return Drive(stimulus, laneFrames);
    }

    private IReadOnlyList<StreamTrace> Drive(StreamStimulus stimulus, IReadOnlyList<IReadOnlyList<byte[]>> laneFrames)
    {
        var rng = new SplitMix64(stimulus.Seed);
        ulong gap = StreamStimulus.Threshold(stimulus.InputGapProbability);
        ulong stall = StreamStimulus.Threshold(stimulus.OutputStallProbability);
        var frames = stimulus.Frames;
        if (frames.FirstOrDefault(f => f.Length % _beatBytes != 0) is { } ragged)
            throw new ArgumentException($"a frame of {ragged.Length} bytes does not split into {_beatBytes}-byte beats of s_axis_tdata");
        int lanes = laneFrames.Count;
        var laneBytes = laneFrames.Select(l => l.ToArray()).ToArray();
        var outputs = Enumerable.Range(0, lanes).Select(_ => new List<StreamTransaction>()).ToArray();
        var frameEnds = new List<long>();
        int frame = 0, position = 0;
        bool offering = false;
        long expectedSinceReset = 0, outputsSinceReset = 0, lastProgress = 0;
        long resetUntil = stimulus.InitialResetCycles;
        int nextReset = 0;
        var resets = stimulus.Resets.OrderBy(r => r.Cycle).ToList();
        bool wideOutput = _mdata.Width > 64;

        for (long cycle = 0; ; cycle++)
        {
            if ((cycle & 4095) == 0) Cancel.ThrowIfCancellationRequested();
            ulong drawInput = rng.NextUInt64() >> 32, drawOutput = rng.NextUInt64() >> 32;
            if (nextReset < resets.Count && resets[nextReset].Cycle == cycle)
            {
                resetUntil = Math.Max(resetUntil, cycle + resets[nextReset++].Length);
                if (position > 0 && frame < frames.Count)
                {
                    frame++; // the frame being sent is abandoned
                    position = 0;
                }
                offering = false;
                expectedSinceReset = outputsSinceReset = 0;
            }
            bool inReset = cycle < resetUntil;
            if (inReset) lastProgress = cycle;

            bool workLeft = frame < frames.Count;
            if (!inReset && !offering && workLeft && drawInput >= gap) offering = true;
            _sim.PokeFast(_rst, inReset ? 1UL : 0UL);
            _sim.PokeFast(_tvalid, offering ? 1UL : 0UL);
            if (lanes == 1) _sim.PokeFast(_tdata, workLeft ? Beat(laneBytes[0][frame], position) : 0UL);
            else
                for (int lane = 0; lane < lanes; lane++) _sim.PokeLane(_tdata, lane, workLeft ? Beat(laneBytes[lane][frame], position) : 0UL);
            _sim.PokeFast(_tlast, workLeft && position == (frames[frame].Length / _beatBytes) - 1 ? 1UL : 0UL);
            _sim.PokeFast(_mready, !inReset && drawOutput >= stall ? 1UL : 0UL);

            bool inputFires = offering && _sim.PeekUInt64(_tready) != 0;
            bool outputFires = !inReset && drawOutput >= stall && _sim.PeekUInt64(_mvalid) != 0;
            OnCycle?.Invoke(cycle);
            if (outputFires)
            {
                for (int lane = 0; lane < lanes; lane++)
                    outputs[lane].Add(new StreamTransaction(cycle, wideOutput ? _sim.PeekLane(_mdata, lane) : _sim.PeekLaneUInt64(_mdata, lane)));
                outputsSinceReset++;
                lastProgress = cycle;
            }
            if (inputFires)
            {
                offering = false;
                lastProgress = cycle;
                if (++position == frames[frame].Length / _beatBytes)
                {
                    frameEnds.Add(cycle);
                    frame++;
                    position = 0;
                    expectedSinceReset++;
                }
            }
            _sim.Step();

            long cycles = cycle + 1;
            bool resetsPending = nextReset < resets.Count || inReset;
            IReadOnlyList<StreamTrace> End(StreamStatus status, string? diagnosis) =>
                [.. outputs.Select(o => new StreamTrace(o, status, cycles, frameEnds, diagnosis))];
            if (outputsSinceReset > expectedSinceReset)
                return End(StreamStatus.Duplicated, $"cycle {cycle}: {outputsSinceReset} results came out but only {expectedSinceReset} frames went in since the last reset");
            if (!resetsPending && frame >= frames.Count && outputsSinceReset == expectedSinceReset)
                return End(StreamStatus.Completed, null);
            if (cycle - lastProgress >= stimulus.DeadlockCycles)
                return End(StreamStatus.Deadlock,
                    $"no handshake for {stimulus.DeadlockCycles} cycles (cycle {cycle}, {Describe(frame, position, frames.Count)}, {outputsSinceReset} of {expectedSinceReset} results out): {StallReport.Describe(_sim)}");
            if (cycles >= stimulus.MaxCycles)
                return End(StreamStatus.Timeout, $"stopped after {cycles} cycles");
        }
    }

    /// <summary>Beat <paramref name="position"/> of a frame: its bytes in AXI4-Stream byte-lane order, the first in the low bits.</summary>
    private ulong Beat(byte[] frame, int position)
    {
        if (_beatBytes == 1) return frame[position];
        ulong beat = 0;
        for (int b = _beatBytes - 1; b >= 0; b--) beat = (beat << 8) | frame[(position * _beatBytes) + b];
        return beat;
    }

    private string Describe(int frame, int position, int frames) =>
        frame >= frames ? "all input sent" : _beatBytes == 1 ? $"frame {frame} byte {position} pending" : $"frame {frame} beat {position} pending";

    private SimSignal Port(string name, int? width, bool input)
    {
        var signal = _sim.TryFindSignal(name)
            ?? throw new ArgumentException($"design {_sim.Module.Name} has no port {name} (the AXI4-Stream top needs clk, rst, s_axis_tdata/tvalid/tready/tlast, m_axis_tdata/tvalid/tready)");
        if (signal.IsInput != input || (width is { } w && signal.Width != w))
            throw new ArgumentException($"design {_sim.Module.Name}: port {name} must be a {(width is null ? "" : width + "-bit ")}{(input ? "input" : "output")}");
        return signal;
    }
}
