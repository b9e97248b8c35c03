namespace HwFlow.Runtime.Graph;

/// <summary>
/// One operation of a graph: it reads the values named by <see cref="Operands"/> and defines
/// the value <see cref="Name"/> of type <see cref="Type"/>. Nodes are immutable; passes build
/// replacements through <see cref="GraphBuilder"/>.
/// </summary>
public sealed record Node(string Name, string Op, IReadOnlyList<string> Operands, IReadOnlyList<KeyValuePair<string, Attr>> Attrs, GraphType Type)
{
    public Node(string name, string op, IReadOnlyList<string> operands, GraphType type, params (string Key, Attr Value)[] attrs)
        : this(name, op, operands, attrs.Select(a => KeyValuePair.Create(a.Key, a.Value)).ToList(), type)
    {
    }

    public Attr? Find(string key)
    {
        foreach (var (k, v) in Attrs)
        {
            if (k == key) return v;
        }
        return null;
    }

    public bool Has(string key) => Find(key) is not null;

    public Attr Get(string key) => Find(key) ?? throw new InvalidOperationException($"{Op} %{Name} has no attribute '{key}'");

    public long Int(string key) => Get(key) is IntAttr i ? i.Value : throw WrongKind(key, "an integer");

    public double Real(string key) => Get(key) switch
    {
        RealAttr r => r.Value,
        IntAttr i => i.Value,
        _ => throw WrongKind(key, "a number"),
    };

    public bool Bool(string key) => Get(key) is BoolAttr b ? b.Value : throw WrongKind(key, "true or false");

    public string Symbol(string key) => Get(key) is SymbolAttr s ? s.Value : throw WrongKind(key, "a symbol");

    /// <summary>
    /// Integer attribute <paramref name="key"/> at element j: a scalar applies to every element;
    /// absent means 0. A tensor shorter than the value repeats (channels-last: one entry per
    /// channel, element j reading entry j mod n).
    /// </summary>
    public long IntElement(string key, int j) => Find(key) switch
    {
        IntAttr scalar => scalar.Value,
        IntTensorAttr tensor => tensor.Data[j % tensor.Data.Length],
        null => 0,
        _ => throw WrongKind(key, "an integer or an integer tensor"),
    };

    /// <summary><see cref="IntElement"/> for elements 0..length-1 at once, for per-element loops (possibly a tensor's own data: read it, do not write it).</summary>
    public long[] IntElements(string key, int length) => Find(key) switch
    {
        IntAttr scalar => Enumerable.Repeat(scalar.Value, length).ToArray(),
        IntTensorAttr tensor when tensor.Data.Length == length => tensor.Data,
        IntTensorAttr tensor => Enumerable.Range(0, length).Select(j => tensor.Data[j % tensor.Data.Length]).ToArray(),
        null => new long[length],
        _ => throw WrongKind(key, "an integer or an integer tensor"),
    };

    public IntTensorAttr IntTensor(string key) => Get(key) as IntTensorAttr ?? throw WrongKind(key, "an integer tensor");

    public RealTensorAttr RealTensor(string key) => Get(key) as RealTensorAttr ?? throw WrongKind(key, "a real tensor");

    /// <summary>This node with attribute <paramref name="key"/> set (replaced in place, or appended).</summary>
    public Node With(string key, Attr value)
    {
        var list = Attrs.ToList();
        int at = list.FindIndex(a => a.Key == key);
        if (at >= 0) list[at] = KeyValuePair.Create(key, value);
        else list.Add(KeyValuePair.Create(key, value));
        return this with { Attrs = list };
    }

    public Node Without(string key) => this with { Attrs = Attrs.Where(a => a.Key != key).ToList() };

    private InvalidOperationException WrongKind(string key, string expected) =>
        new($"{Op} %{Name}: attribute '{key}' must be {expected}");
}
