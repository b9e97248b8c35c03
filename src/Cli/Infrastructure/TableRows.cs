namespace HwFlow.Cli.Infrastructure;

public static class TableRows
{
    /// <summary>Adds a row of plain text: brackets in values (ranges, shapes) are not Spectre markup.</summary>
    public static Table AddTextRow(this Table table, params string[] cells) => table.AddRow(cells.Select(Markup.Escape).ToArray());
}
