using HwFlow.Sim.Verilator;

namespace HwFlow.Sim.Tests;

public sealed class TraceComparisonTests
{
    [Fact]
    public void Identical_transcripts_agree_and_the_stall_line_is_ignored()
    {
        Assert.Null(TraceComparison.Compare(["O 5 1", "END deadlock 9"], ["O 5 1", "END deadlock 9", "STALL s_axis_tvalid=1 s_axis_tready=0"]));
    }

    [Fact]
    public void Different_data_names_the_transaction_cycle_and_both_values()
    {
        var mismatch = TraceComparison.Compare(["O 5 1", "O 9 2a", "END completed 12"], ["O 5 1", "O 9 2b", "END completed 12"])!;
        Assert.Equal(9, mismatch.Cycle);
        Assert.Equal("m_axis_tdata of output transaction #1", mismatch.Signal);
        Assert.Equal("2a", mismatch.Expected);
        Assert.Equal("2b", mismatch.Actual);
        Assert.Equal("first difference at cycle 9: m_axis_tdata of output transaction #1 is 2a in the C# simulator but 2b in Verilator", mismatch.Message);
    }

    [Fact]
    public void A_transaction_on_another_cycle_reports_the_earlier_cycle()
    {
        var mismatch = TraceComparison.Compare(["O 5 1", "END completed 12"], ["O 7 1", "END completed 12"])!;
        Assert.Equal(5, mismatch.Cycle);
        Assert.Contains("at cycle 5", mismatch.Expected);
        Assert.Contains("at cycle 7", mismatch.Actual);
    }

    [Fact]
    public void A_missing_transaction_is_reported()
    {
        var mismatch = TraceComparison.Compare(["O 5 1", "O 8 3", "END completed 12"], ["O 5 1", "END completed 12"])!;
        Assert.Equal(8, mismatch.Cycle);
        Assert.StartsWith("none", mismatch.Actual);
    }

    [Fact]
    public void A_vector_mismatch_names_the_output_port()
    {
        var mismatch = TraceComparison.Compare(["C 0 1 2", "C 1 3 4"], ["C 0 1 2", "C 1 3 5"], ["sum", "carry"])!;
        Assert.Equal((1L, "carry", "0x4", "0x5"), (mismatch.Cycle, mismatch.Signal, mismatch.Expected, mismatch.Actual));
    }
}
