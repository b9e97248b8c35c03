using CsCheck;
using HwFlow.Compiler.Rtl;
using HwFlow.Runtime.Numerics;
using HwFlow.Sim.Netlists;
using HwFlow.Sim.Tests.Support;

namespace HwFlow.Sim.Tests;

/// <summary>
/// A multi-lane simulator built from a saved layout (<see cref="ILayoutStore"/>) is the one built
/// from scratch: the saved form reads back to the same bytes, the simulator on it matches a
/// single-lane one in every lane, and a saved layout of another netlist or lane setup, or a
/// damaged one, is never used.
/// </summary>
public sealed class SavedLayoutTests
{
    /// <summary>An in-memory store that counts what it was asked.</summary>
    private sealed class MemoryStore : ILayoutStore
    {
        public readonly Dictionary<string, byte[]> Entries = [];
        public int Loads, Hits, Stores;

        public byte[]? Load(string parameters)
        {
            Loads++;
            if (!Entries.TryGetValue(parameters, out var bytes)) return null;
            Hits++;
            return bytes;
        }

        public void Store(string parameters, byte[] layout)
        {
            Stores++;
            Entries[parameters] = layout;
        }
    }

    [Fact]
    public void A_saved_layout_reads_back_the_same_and_simulates_every_lane_exactly_on_random_designs()
    {
        Gen.ULong.Sample(seed =>
        {
            var netlist = Netlist.Of(RandomDesigns.Build(seed));
            var rng = new SplitMix64(seed ^ 0xA11);
            bool half = rng.NextInt(2) == 0;
            bool IsLane(RtlSignal s) => !half || s.Name.Length % 2 == 0;
            var store = new MemoryStore();
            Assert.Null(LaneLockstep.FirstDifference(netlist, cycles: 20, seed, IsLane, layouts: store)); // derives and saves
            Assert.Equal((1, 0, 1), (store.Loads, store.Hits, store.Stores));
            var (parameters, saved) = store.Entries.Single();
            var difference = LaneLockstep.FirstDifference(netlist, cycles: 20, seed + 1, IsLane, layouts: store); // reads it
            if (difference is not null) throw new Xunit.Sdk.XunitException($"design seed {seed}, from the saved layout: {difference}");
            Assert.Equal((2, 1, 1), (store.Loads, store.Hits, store.Stores));
            var (layout, plan) = Compiled.LayoutBinary.Load(netlist, Simulator.LaneCount, portableLanes: false, saved);
            Assert.Equal(saved, Compiled.LayoutBinary.Save(layout, plan));
        }, iter: 40);
    }

    [Fact]
    public void The_saved_layout_of_every_cell_kind_gives_the_same_lanes()
    {
        var store = new MemoryStore();
        var design = OpZoo.Design(65);
        Assert.Null(LaneLockstep.FirstDifference(design, cycles: 40, seed: 3, s => s.Name.Length % 2 == 0, layouts: store));
        Assert.Null(LaneLockstep.FirstDifference(design, cycles: 80, seed: 4, s => s.Name.Length % 2 == 0, layouts: store));
        Assert.Null(LaneLockstep.FirstDifference(design, cycles: 40, seed: 5, s => s.Name.Length % 2 == 0, portable: true, layouts: store));
        Assert.Equal((3, 2, 1), (store.Loads, store.Hits, store.Stores));
    }

    [Fact]
    public void Another_lane_setup_asks_under_other_parameters()
    {
        var store = new MemoryStore();
        var design = OpZoo.Design(7);
        Assert.Null(LaneLockstep.FirstDifference(design, cycles: 10, seed: 1, _ => true, layouts: store));
        Assert.Null(LaneLockstep.FirstDifference(design, cycles: 10, seed: 2, s => s.Name.Length % 2 == 0, layouts: store));
        Assert.Equal(2, store.Entries.Count);
        Assert.Equal(0, store.Hits);
    }

    [Fact]
    public void A_layout_of_another_netlist_or_a_damaged_one_is_derived_again()
    {
        var small = Netlist.Of(OpZoo.Design(7));
        var large = Netlist.Of(OpZoo.Design(65));
        var store = new MemoryStore();
        Assert.Null(LaneLockstep.FirstDifference(small, cycles: 10, seed: 1, _ => true, layouts: store));
        var smallLayout = store.Entries.Single().Value;
        // The caller keys the store by netlist; one that answers with another netlist's layout is caught by the layout itself.
        Assert.Null(LaneLockstep.FirstDifference(large, cycles: 30, seed: 2, _ => true, layouts: store));
        Assert.Equal((1, 2), (store.Hits, store.Stores));
        Assert.NotEqual(smallLayout, store.Entries.Single().Value);
        Assert.Throws<InvalidDataException>(() => Compiled.LayoutBinary.Load(large, Simulator.LaneCount, false, smallLayout));
        Assert.Throws<InvalidDataException>(() => Compiled.LayoutBinary.Load(large, 1, false, store.Entries.Single().Value));

        var good = store.Entries.Single().Value;
        foreach (int cut in new[] { 1, 7, good.Length / 2 })
            Assert.Throws<InvalidDataException>(() => Compiled.LayoutBinary.Load(large, Simulator.LaneCount, false, good[..^cut]));
        Assert.Throws<InvalidDataException>(() => Compiled.LayoutBinary.Load(large, Simulator.LaneCount, false, [.. good, 0]));
    }
}
