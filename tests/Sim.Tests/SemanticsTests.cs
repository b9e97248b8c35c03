using System.Numerics;
using HwFlow.Compiler.Rtl;
using HwFlow.Runtime.Errors;

namespace HwFlow.Sim.Tests;

/// <summary>The documented behaviours of RtlModel.cs, checked on both engines.</summary>
public sealed class SemanticsTests
{
    public static TheoryData<SimEngine> Engines => new() { SimEngine.Compiled, SimEngine.Interpreter };

    [Theory]
    [MemberData(nameof(Engines))]
    public void Power_on_reset_enable_and_hold_follow_the_register_rules(SimEngine engine)
    {
        var m = new ModuleBuilder("regs");
        var enable = m.Input("en", 1);
        var counter = m.Register("count", 8, resetValue: 42);
        m.Next(counter, m.Add(counter, m.Const(1, 8)), enable);
        var free = m.Register("free", 8, resetValue: 7, useReset: false);
        m.Next(free, m.Add(free, m.Const(1, 8)));
        m.Assign(m.Output("q", 8), counter);
        m.Assign(m.Output("f", 8), free);
        var sim = Simulator.Create(new RtlDesign([m.Build()], "regs"), engine);
        Assert.Equal(0, sim.Peek("q"));  // a register with a reset powers on as 0 (Verilator, yosys)
        Assert.Equal(7, sim.Peek("f"));  // one without holds its power-on value
        sim.Poke("rst", 1);
        sim.Poke("en", 1);
        sim.Step();
        Assert.Equal(42, sim.Peek("q")); // reset wins over enable
        sim.Poke("rst", 0);
        sim.Step();
        Assert.Equal(43, sim.Peek("q"));
        sim.Poke("en", 0);
        sim.Step(3);
        Assert.Equal(43, sim.Peek("q"));
        Assert.Equal(7 + 5, sim.Peek("f"));
        Assert.Equal(5, sim.Cycle);
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public void A_read_and_a_write_of_one_word_on_one_edge_return_the_old_word(SimEngine engine)
    {
        var m = new ModuleBuilder("ram");
        var address = m.Input("addr", 2);
        var data = m.Input("data", 16);
        var write = m.Input("we", 1);
        var q = m.Ram("mem", 16, 3, address, null, address, data, write);
        m.Assign(m.Output("q", 16), q);
        var sim = Simulator.Create(new RtlDesign([m.Build()], "ram"), engine);
        sim.Poke("addr", 1);
        sim.Poke("data", 0xBEEF);
        sim.Poke("we", 1);
        sim.Step();
        Assert.Equal(0, sim.Peek("q"));            // old word
        Assert.Equal(0xBEEF, sim.PeekMemory("mem_0", 1));
        sim.Poke("we", 0);
        sim.Step();
        Assert.Equal(0xBEEF, sim.Peek("q"));       // visible one edge later
        sim.Poke("addr", 3);                        // past the depth of 3: reads 0, writes are dropped
        sim.Poke("we", 1);
        sim.Step();
        Assert.Equal(0, sim.Peek("q"));
    }

    [Fact]
    public void Flattened_names_carry_the_instance_path()
    {
        var child = new ModuleBuilder("leaf");
        var x = child.Input("x", 4);
        var r = child.Register("r", 4);
        child.Next(r, x);
        child.Assign(child.Output("y", 4), r);
        var leaf = child.Build();
        var mid = new ModuleBuilder("mid");
        var a = mid.Input("a", 4);
        var inner = mid.Instantiate(leaf, "inner", new Dictionary<string, RtlSignal> { ["x"] = a });
        mid.Assign(mid.Output("b", 4), inner["y"]);
        var middle = mid.Build();
        var top = new ModuleBuilder("top");
        var i = top.Input("i", 4);
        var u = top.Instantiate(middle, "u", new Dictionary<string, RtlSignal> { ["a"] = i });
        top.Assign(top.Output("o", 4), u["b"]);
        var flat = RtlFlattener.Flatten(new RtlDesign([leaf, middle, top.Build()], "top"));
        Assert.Empty(flat.Instances);
        Assert.Contains(flat.Wires, w => w.Name == "u.inner.r_0");
        Assert.Contains(flat.Wires, w => w.Name == "u.a");
        var sim = Simulator.Create(new RtlDesign([leaf, middle, top.Build()], "top"));
        sim.Poke("i", 9);
        sim.Step();
        Assert.Equal(9, sim.Peek("o"));
        Assert.Equal(9, sim.Peek("u.inner.r_0"));
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public void A_combinational_loop_is_reported_with_its_path(SimEngine engine)
    {
        var m = new ModuleBuilder("loop", withReset: false);
        var a = m.Input("a", 1);
        var w = m.Wire("w", 1);
        var x = m.And(a, w);
        var y = m.Not(x);
        m.Assign(w, y);
        m.Assign(m.Output("o", 1), y);
        var error = Assert.ThrowsAny<UserError>(() => { var sim = Simulator.Create(new RtlDesign([m.Build()], "loop"), engine); sim.Peek("o"); });
        Assert.Contains("combinational loop", error.Message);
        Assert.Contains("and_0", error.Message);
        Assert.Contains("not_0", error.Message);
        Assert.Contains("w", error.Message);
    }

    [Fact]
    public void A_signal_with_two_drivers_is_refused()
    {
        var m = new ModuleBuilder("two", withReset: false);
        var a = m.Input("a", 1);
        var o = m.Output("o", 1);
        m.Assign(o, a);
        m.Assign(o, m.Not(a));
        var error = Assert.Throws<UserError>(() => Simulator.Create(new RtlDesign([m.Build()], "two")));
        Assert.Contains("o has two drivers", error.Message);
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public void A_cell_that_breaks_its_width_rule_is_refused_as_the_rtl_checker_words_it(SimEngine engine)
    {
        var design = RtlParser.Parse("""
            hwflow-rtl 1
            top m
            module m
              input a : 4
              input c : 3
              output x : 4
              x = add a, c
            end
            """, "m.rtl");
        var error = Assert.Throws<UserError>(() => Simulator.Create(design, engine));
        Assert.Equal("module m: cell x (add): input c:3 must have the output's width (x:4)", error.Message);
    }

    [Fact]
    public void Only_inputs_can_be_poked_and_values_must_fit()
    {
        var sim = Simulator.Create(Support.OpZoo.Design(7));
        Assert.Throws<InvalidOperationException>(() => sim.Poke("o0", 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => sim.Poke("a", new BigInteger(128)));
        Assert.Throws<KeyNotFoundException>(() => sim.Peek("no_such_signal"));
    }
}
