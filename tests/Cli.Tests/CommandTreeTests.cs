namespace HwFlow.Cli.Tests;

/// <summary>A command line naming a subcommand is parsed in that subcommand's tree alone: the table it is built from names every subcommand as the command itself does.</summary>
public sealed class CommandTreeTests
{
    [Fact]
    public void Every_subcommand_is_built_alone_under_its_own_name_and_all_of_them_without_one()
    {
        Assert.Equal(HwFlowCommand.Subcommands.Select(c => c.Name), HwFlowCommand.Build().Subcommands.Select(c => c.Name));
        foreach (var (name, _) in HwFlowCommand.Subcommands)
            Assert.Equal([name], HwFlowCommand.Build(name).Subcommands.Select(c => c.Name));
        Assert.Equal(12, HwFlowCommand.Subcommands.Length);
    }

    [Fact]
    public void A_subcommand_parses_the_same_alone_as_in_the_whole_tree()
    {
        string[][] lines =
        [
            ["sim", "build", "--dataset", "fashion-mnist", "--count", "8", "--lanes", "8"],
            ["sim", "build", "--count", "x"],
            ["sim"],
            ["compile", "examples/fmnist-tiny", "-o", "out", "--force"],
            ["bench", "sim", "build", "--count", "16", "--repeats", "1"],
            ["cosim", "build", "--bogus"],
        ];
        foreach (var line in lines)
        {
            var whole = HwFlowCommand.Build().Parse(line);
            var alone = HwFlowCommand.Build(line[0]).Parse(line);
            Assert.Equal(whole.Errors.Select(e => e.Message), alone.Errors.Select(e => e.Message));
            Assert.Equal(whole.CommandResult.Command.Name, alone.CommandResult.Command.Name);
            Assert.Equal(whole.Tokens.Select(t => t.Value), alone.Tokens.Select(t => t.Value));
        }
    }
}
