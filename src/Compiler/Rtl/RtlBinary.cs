using System.Numerics;

namespace HwFlow.Compiler.Rtl;

/// <summary>
/// A compact binary form of one module without instances (a flattened design), for caches:
/// reading it back is many times cheaper than parsing, checking and flattening design.rtl. It
/// keeps every list in order, so what is built from the copy is built exactly as from the
/// original. Signals are written once and referred to by their position among ports then wires.
/// Damaged input throws <see cref="InvalidDataException"/> (callers check a hash first; this is the backstop).
/// </summary>
public static class RtlBinary
{
    public static void Write(RtlModule module, BinaryWriter w)
    {
        if (module.Instances.Count > 0) throw new ArgumentException("the binary form holds flattened modules only", nameof(module));
        var index = new Dictionary<RtlSignal, int>();
        w.Write(module.Name);
        w.Write(module.Ports.Count);
        w.Write(module.Wires.Count);
        foreach (var s in module.Ports.Concat(module.Wires))
        {
            index.Add(s, index.Count);
            w.Write(s.Name);
            w.Write(s.Width);
            w.Write((byte)s.Kind);
        }
        void Signal(RtlSignal s) => w.Write(index[s]);
        void Optional(RtlSignal? s) => w.Write(s is null ? -1 : index[s]);

        w.Write(module.Cells.Count);
        foreach (var c in module.Cells)
        {
            w.Write((byte)c.Op);
            Signal(c.Output);
            w.Write(c.Inputs.Count);
            foreach (var i in c.Inputs) Signal(i);
            Number(w, c.Value);
            w.Write(c.Amount);
        }
        w.Write(module.Registers.Count);
        foreach (var r in module.Registers)
        {
            Signal(r.Q);
            Signal(r.D);
            Optional(r.Enable);
            Optional(r.Reset);
            Number(w, r.ResetValue);
        }
        w.Write(module.Memories.Count);
        foreach (var m in module.Memories)
        {
            w.Write(m.Name);
            w.Write(m.Width);
            w.Write(m.Depth);
            w.Write((byte)m.Style);
            w.Write(m.ReadsNeverCollide);
            w.Write(m.Init?.Count ?? -1);
            foreach (var v in m.Init ?? []) Number(w, v);
            w.Write(m.ReadPorts.Count);
            foreach (var p in m.ReadPorts)
            {
                Signal(p.Address);
                Signal(p.Data);
                Optional(p.Enable);
            }
            w.Write(m.WritePorts.Count);
            foreach (var p in m.WritePorts)
            {
                Signal(p.Address);
                Signal(p.Data);
                Signal(p.Enable);
            }
        }
    }

    public static RtlModule Read(BinaryReader r)
    {
        string name = r.ReadString();
        int portCount = Count(r), wireCount = Count(r);
        var signals = new RtlSignal[checked(portCount + wireCount)];
        for (int i = 0; i < signals.Length; i++)
        {
            string signalName = r.ReadString();
            int width = r.ReadInt32();
            var kind = (SignalKind)r.ReadByte();
            if (width < 1 || !Enum.IsDefined(kind)) throw new InvalidDataException($"signal {signalName}: bad width or kind");
            signals[i] = new RtlSignal(signalName, width, kind);
        }
        RtlSignal Signal() => Lookup(r.ReadInt32()) ?? throw new InvalidDataException("a required signal is missing");
        RtlSignal? Lookup(int i) => i == -1 ? null : (uint)i < (uint)signals.Length ? signals[i] : throw new InvalidDataException($"signal index {i} out of range");

        var cells = new RtlCell[Count(r)];
        for (int i = 0; i < cells.Length; i++)
        {
            var op = (RtlOp)r.ReadByte();
            if (!Enum.IsDefined(op)) throw new InvalidDataException($"unknown cell operation {(int)op}");
            var output = Signal();
            var inputs = new RtlSignal[Count(r)];
            for (int k = 0; k < inputs.Length; k++) inputs[k] = Signal();
            cells[i] = new RtlCell(op, output, inputs, Number(r), r.ReadInt32());
        }
        var registers = new RtlRegister[Count(r)];
        for (int i = 0; i < registers.Length; i++)
            registers[i] = new RtlRegister(Signal(), Signal(), Lookup(r.ReadInt32()), Lookup(r.ReadInt32()), Number(r));
        var memories = new RtlMemory[Count(r)];
        for (int i = 0; i < memories.Length; i++)
        {
            string memoryName = r.ReadString();
            int width = r.ReadInt32(), depth = r.ReadInt32();
            var style = (MemoryStyle)r.ReadByte();
            bool readsNeverCollide = r.ReadBoolean();
            int initCount = r.ReadInt32();
            BigInteger[]? init = initCount == -1 ? null : new BigInteger[initCount < 0 ? throw new InvalidDataException("negative count") : initCount];
            for (int k = 0; k < initCount; k++) init![k] = Number(r);
            var reads = new RtlReadPort[Count(r)];
            for (int k = 0; k < reads.Length; k++) reads[k] = new RtlReadPort(Signal(), Signal(), Lookup(r.ReadInt32()));
            var writes = new RtlWritePort[Count(r)];
            for (int k = 0; k < writes.Length; k++) writes[k] = new RtlWritePort(Signal(), Signal(), Signal());
            memories[i] = new RtlMemory(memoryName, width, depth, init, reads, writes) { Style = style, ReadsNeverCollide = readsNeverCollide };
        }
        return new RtlModule(name, signals[..portCount], signals[portCount..], cells, registers, memories, []);
    }

    private static int Count(BinaryReader r)
    {
        int n = r.ReadInt32();
        return n >= 0 ? n : throw new InvalidDataException($"negative count {n}");
    }

    // Small values (nearly all) in one length byte and at most 8 value bytes; wide memory words as long as they are.
    private static void Number(BinaryWriter w, BigInteger value)
    {
        int length = value.GetByteCount();
        w.Write7BitEncodedInt(length);
        Span<byte> bytes = length <= 256 ? stackalloc byte[length] : new byte[length];
        value.TryWriteBytes(bytes, out _);
        w.Write(bytes);
    }

    private static BigInteger Number(BinaryReader r)
    {
        int length = r.Read7BitEncodedInt();
        if (length < 0) throw new InvalidDataException("negative number length");
        Span<byte> bytes = length <= 256 ? stackalloc byte[length] : new byte[length];
        r.BaseStream.ReadExactly(bytes);
        return new BigInteger(bytes);
    }
}
