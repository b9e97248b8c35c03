using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using HwFlow.Runtime.Graph;

namespace HwFlow.Runtime.Kernels;

/// <summary>
/// A slot-dot convolution's input as one padded image of slot records, built pixel by pixel straight
/// from the block's input: each pixel's pre ops (shifts, clamps, relus), its packed threshold bits and
/// its chunk sums run on that pixel's channels alone (in L1), and its records go to its place in an
/// image padded to every pixel the receptive fields read (padding cells hold the padding pixel's
/// records). A receptive field's records are then KernelHeight runs of KernelWidth pixels' records,
/// one image row apart, which the kernel reads in place (<see cref="SlotDotArgs.Segments"/>): no frame
/// of the pre ops' values, no gathered rows. Taken for chunks of 16 in whole slot pairs per pixel
/// (HBNN's) or of 32 (BNN's: a chunk is one slot pair, both slots with the chunk's factor), one group of
/// slot pairs, and pre ops of those kinds only.
/// </summary>
internal sealed unsafe class SlotRecordImage
{
    private readonly SlotDot _slots;
    private readonly ElementStep?[] _pre;
    private readonly string[] _ops;

    /// <summary>Per pre op, the pre op it reads (-1: the block's input).</summary>
    private readonly int[] _operands;
    private readonly int _packed;
    private readonly int _sum;

    /// <summary>The chunk length, 16 or 32.</summary>
    private readonly int _chunk;
    private readonly int _channels;
    private readonly int _pixelPairs;
    private readonly int _pixelBytes;
    private readonly int _width;
    private readonly int _height;
    private readonly int _segments;
    private readonly long _segmentSkip;

    /// <summary>Per padded cell, the input pixel there, or -1 (padding).</summary>
    private readonly int[] _cells;
    private readonly int[] _rowOffsets;
    private readonly ThreadLocal<Scratch> _scratch;

    /// <summary>The integer pre ops as a chain from the input, in order, when the threshold and the sums both read its end (else null).</summary>
    private readonly ElementStep[]? _chain;

    private SlotRecordImage(ConvBlock block, SlotDot slots, ElementStep?[] pre, int packed, int sum, int[] operands, int[] rowPositions)
    {
        var g = block.Geometry;
        (_slots, _pre, _packed, _sum, _operands) = (slots, pre, packed, sum, operands);
        _chunk = (int)block.Dot.Int("chunk");
        _ops = [.. block.Pre.Select(n => n.Op)];
        _channels = g.Channels;
        _pixelPairs = g.Channels / 32;
        _pixelBytes = _pixelPairs * SlotDotCode.RecordBytes;
        _height = ((g.OutHeight - 1) * g.Stride) + g.KernelHeight;
        _width = ((g.OutWidth - 1) * g.Stride) + g.KernelWidth;
        _segments = g.KernelHeight;
        _segmentSkip = (long)(_width - g.KernelWidth) * _pixelBytes;
        _cells = new int[_height * _width];
        for (int y = 0; y < _height; y++)
        {
            for (int x = 0; x < _width; x++)
            {
                int iy = y - g.Padding, ix = x - g.Padding;
                _cells[(y * _width) + x] = iy >= 0 && iy < g.Height && ix >= 0 && ix < g.Width ? (iy * g.Width) + ix : -1;
            }
        }
        _rowOffsets = [.. rowPositions.Select(p => ((p / g.OutWidth * g.Stride * _width) + (p % g.OutWidth * g.Stride)) * _pixelBytes)];
        _scratch = new ThreadLocal<Scratch>(() => new Scratch(this));
        _chain = Chain();
        _cellsPerRun = g.KernelWidth;
        if (g.KernelHeight * g.KernelWidth <= 63 && PaddingAddsNothing())
        {
            _padding = new long[rowPositions.Length];
            for (int i = 0; i < rowPositions.Length; i++)
            {
                int y0 = rowPositions[i] / g.OutWidth * g.Stride, x0 = rowPositions[i] % g.OutWidth * g.Stride;
                for (int s = 0; s < g.KernelHeight; s++)
                {
                    for (int k = 0; k < g.KernelWidth; k++)
                    {
                        if (_cells[((y0 + s) * _width) + x0 + k] < 0) _padding[i] |= 1L << ((s * g.KernelWidth) + k);
                    }
                }
            }
            if (_padding.All(m => m == 0)) _padding = null;
        }
    }

    /// <summary>Per row, the cells of its receptive field that are padding (bit s * kernel width + k), when a padding pixel's records add nothing; else null.</summary>
    private readonly long[]? _padding;
    private readonly int _cellsPerRun;

    /// <summary>Whether the kernel may leave padding cells out (<see cref="SlotDot.RunAt"/>).</summary>
    internal bool SkipsPadding => _padding is not null;

    /// <summary>
    /// Whether the padding pixel's records add 0 to every sum, whatever the weights: each slot's signed count is 0
    /// (unipolar with no bit set: pop(w) - pop(w XOR 0) = 0) or its factor is 0 (both parts).
    /// </summary>
    private bool PaddingAddsNothing()
    {
        var scratch = new Scratch(this);
        Pixel(scratch.Zero, scratch.Padding.Pointer, scratch);
        var record = new ReadOnlySpan<ushort>(scratch.Padding.Pointer, _pixelBytes / sizeof(ushort));
        for (int pair = 0; pair < _pixelPairs; pair++)
        {
            var fields = record.Slice(pair * SlotDotCode.RecordBytes / sizeof(ushort), SlotDotCode.RecordBytes / sizeof(ushort));
            for (int half = 0; half < 2; half++)
            {
                bool noCount = _slots.Coding == ActivationCoding.Unipolar && fields[half] == 0;
                bool noFactor = fields[4 + half] == 0 && fields[6 + half] == 0;
                if (!noCount && !noFactor) return false;
            }
        }
        return true;
    }

    /// <summary>Whether each pixel's records come from one vector pass over its channels (<see cref="VectorPixel"/>), not one pass per pre op.</summary>
    internal bool VectorPixels => _chain is not null;

    /// <summary>
    /// The integer pre ops when they form one chain from the input whose end both the packed threshold (one value,
    /// all up) and the chunk sums read: then a pixel's four vectors of 16 channels go through the chain in registers.
    /// </summary>
    private ElementStep[]? Chain()
    {
        if (!Vector512.IsHardwareAccelerated || _sum < 0 || _pre[_packed] is not { Uniform: true }) return null;
        var chain = new List<ElementStep>();
        int end = -1;
        for (int i = 0; i < _pre.Length; i++)
        {
            if (i == _packed || i == _sum) continue;
            if (_operands[i] != end || _pre[i] is not { MakesBits: false } step) return null;
            chain.Add(step);
            end = i;
        }
        return _operands[_packed] == end && _operands[_sum] == end ? [.. chain] : null;
    }

    /// <summary>
    /// The record image for a block whose bin-dot runs on <paramref name="slots"/>, computing rows
    /// <paramref name="rowPositions"/> (positions, in the order their sums are wanted); null when the block
    /// is not of the form above.
    /// </summary>
    public static SlotRecordImage? Create(ConvBlock block, SlotDot slots, ElementStep?[] pre, int packedPre, int[] rowPositions)
    {
        var g = block.Geometry;
        if (slots.Groups.Count != 1 || g.Channels % 32 != 0 || packedPre < 0) return null;
        long chunk = block.Dot.Int("chunk");
        if (block.Window.Type.Kind != ValueKind.Int || chunk is not (16 or 32)) return null;
        if (slots.Pairs != g.KernelHeight * g.KernelWidth * (g.Channels / 32)) return null;
        int sum = -1;
        var operands = new int[block.Pre.Count];
        for (int i = 0; i < block.Pre.Count; i++)
        {
            var node = block.Pre[i];
            if (node.Operands.Count != 1) return null;
            string operand = node.Operands[0];
            operands[i] = operand == block.Window.Name ? -1 : block.Pre.ToList().FindIndex(n => n.Name == operand);
            if (operands[i] == -1 && operand != block.Window.Name) return null;
            if (operands[i] >= 0 && block.Pre[operands[i]].Type.Kind != ValueKind.Int) return null;
            if (node.Op == Ops.ChunkSum)
            {
                if (node != block.SumSource || node.Int("chunk") != chunk) return null;
                sum = i;
            }
            else if (pre[i] is not { } step || (step.MakesBits && i != packedPre))
            {
                return null;
            }
        }
        if (block.SumSource is not null && sum < 0) return null;
        return new SlotRecordImage(block, slots, pre, packedPre, sum, operands, rowPositions);
    }

    /// <summary>Builds the record image of one input image (<paramref name="pixels"/>: height x width x channels values) in this thread's scratch.</summary>
    public byte* Fill(ReadOnlySpan<long> pixels)
    {
        byte* image = _scratch.Value!.Image.Pointer;
        FillInto(pixels, image);
        return image;
    }

    /// <summary>Bytes of one record image (<see cref="FillInto"/>).</summary>
    public int ImageBytes => _cells.Length * _pixelBytes;

    /// <summary>Builds the record image of one input image into <paramref name="image"/> (<see cref="ImageBytes"/> bytes, 64-byte aligned).</summary>
    public void FillInto(ReadOnlySpan<long> pixels, byte* image)
    {
        var scratch = _scratch.Value!;
        byte* padding = scratch.Padding.Pointer;
        Pixel(scratch.Zero, padding, scratch);
        for (int cell = 0; cell < _cells.Length; cell++)
        {
            byte* to = image + ((long)cell * _pixelBytes);
            int pixel = _cells[cell];
            if (pixel < 0) Buffer.MemoryCopy(padding, to, _pixelBytes, _pixelBytes);
            else Pixel(pixels.Slice(pixel * _channels, _channels), to, scratch);
        }
    }

    /// <summary>Every row's sums from <paramref name="image"/>, combined into target[windows[i]] (see <see cref="SlotDot.RunAt"/>).</summary>
    public void Run(byte* image, long* bias, long* target, int[] windows, bool[] firsts, long[]? down) =>
        _slots.RunAt(image, _rowOffsets, _segments, _segmentSkip, bias, target, windows, firsts, down, _padding, _cellsPerRun);

    private void Pixel(ReadOnlySpan<long> input, byte* records, Scratch scratch)
    {
        if (_chain is not null)
        {
            VectorPixel(input, records);
            return;
        }
        for (int i = 0; i < _pre.Length; i++)
        {
            ReadOnlySpan<long> operand = _operands[i] < 0 ? input : scratch.Values[_operands[i]];
            if (i == _sum) ElementNodes.MagnitudeSums(operand, _chunk, scratch.Sums);
            else if (i == _packed) _pre[i]!.ApplyPacked(operand, scratch.Words, scratch.Words.Length);
            else _pre[i]!.Apply(operand, scratch.Values[i]);
        }
        var words = scratch.Words;
        var sums = scratch.Sums;
        for (int pair = 0; pair < _pixelPairs; pair++)
        {
            uint bits = (uint)(words[pair >> 1] >> (32 * (pair & 1)));
            long f0 = 1, f1 = 1;
            if (_sum >= 0) (f0, f1) = _chunk == 32 ? (sums[pair], sums[pair]) : (sums[2 * pair], sums[(2 * pair) + 1]);
            _slots.FillPair((ushort*)(records + (pair * SlotDotCode.RecordBytes)), bits, f0, f1);
        }
    }

    /// <summary>
    /// One pixel's records in one pass: per slot pair (32 channels, four vectors of 8) the chain's values in
    /// registers, the threshold's 32 bits from four compares, the two chunks' sums of magnitudes (chunks of 32: the one
    /// chunk's sum in both slots); the same
    /// integer ops as the separate passes, so the same records.
    /// </summary>
    private void VectorPixel(ReadOnlySpan<long> input, byte* records)
    {
        var chain = _chain!;
        var threshold = Vector512.Create(_pre[_packed]!.Threshold);
        ref long first = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(input);
        for (int pair = 0; pair < _pixelPairs; pair++)
        {
            var v0 = Vector512.LoadUnsafe(ref first, (nuint)(pair * 32));
            var v1 = Vector512.LoadUnsafe(ref first, (nuint)((pair * 32) + 8));
            var v2 = Vector512.LoadUnsafe(ref first, (nuint)((pair * 32) + 16));
            var v3 = Vector512.LoadUnsafe(ref first, (nuint)((pair * 32) + 24));
            foreach (var step in chain)
            {
                v0 = step.Vector(v0);
                v1 = step.Vector(v1);
                v2 = step.Vector(v2);
                v3 = step.Vector(v3);
            }
            _slots.FillPair((ushort*)(records + (pair * SlotDotCode.RecordBytes)), v0, v1, v2, v3, threshold, _chunk == 32);
        }
    }

    private sealed class Scratch(SlotRecordImage owner)
    {
        public AlignedBuffer<byte> Image { get; } = new(owner._cells.Length * owner._pixelBytes);
        public AlignedBuffer<byte> Padding { get; } = new(owner._pixelBytes);
        public long[] Zero { get; } = new long[owner._channels];
        public long[][] Values { get; } = [.. owner._ops.Select(_ => new long[owner._channels])];
        public ulong[] Words { get; } = new ulong[(owner._channels + 63) / 64];
        public long[] Sums { get; } = new long[owner._channels / owner._chunk];
    }
}
