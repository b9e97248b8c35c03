namespace HwFlow.Sim.Streams;

/// <summary>
/// N frames as one stream per SIMD lane: lane l takes frames [l m, (l + 1) m) in order, m = N /
/// lanes rounded up; the last lanes are topped up with copies of the final frame (their results
/// are simulated but not reported), since lanes sharing one stimulus timing need equally many
/// frames of equal lengths.
/// </summary>
public sealed class LaneSplit
{
    private LaneSplit(IReadOnlyList<IReadOnlyList<byte[]>> lanes, int count, int perLane)
    {
        Lanes = lanes;
        Count = count;
        PerLane = perLane;
    }

    /// <summary>The frames of each lane.</summary>
    public IReadOnlyList<IReadOnlyList<byte[]>> Lanes { get; }

    /// <summary>The real frames (without the top-up).</summary>
    public int Count { get; }

    public int PerLane { get; }

    /// <summary>Null when the frames cannot share one timing (lengths differ) or there are too few to fill the lanes.</summary>
    public static LaneSplit? TryCreate(IReadOnlyList<byte[]> frames, int lanes)
    {
        if (lanes < 2 || frames.Count < lanes || frames.Any(f => f.Length != frames[0].Length)) return null;
        int perLane = (frames.Count + lanes - 1) / lanes;
        var split = Enumerable.Range(0, lanes)
            .Select(l => (IReadOnlyList<byte[]>)Enumerable.Range(l * perLane, perLane).Select(i => frames[Math.Min(i, frames.Count - 1)]).ToList())
            .ToList();
        return new LaneSplit(split, frames.Count, perLane);
    }

    /// <summary>The results of the real frames, in frame order, from one list of results per lane.</summary>
    public List<T> Gather<T>(IReadOnlyList<IReadOnlyList<T>> perLane)
    {
        var all = new List<T>(Count);
        for (int i = 0; i < Count; i++)
        {
            var lane = perLane[i / PerLane];
            if (i % PerLane < lane.Count) all.Add(lane[i % PerLane]);
            else break; // a lane came up short (deadlock): the frames after it have no result
        }
        return all;
    }
}
