using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using HwFlow.Runtime.Diagnostics;
using HwFlow.Runtime.Graph;

namespace HwFlow.Runtime.Kernels;

/// <summary>
/// Runs one <see cref="ConvBlock"/> image by image with buffers kept per thread (nothing of a
/// window's size is ever allocated). Bin-dot blocks: the pre ops once per pixel, each pixel's
/// bits packed once into words, a receptive field's row the concatenation of its pixels' words
/// (kh x kw x cin order, the padding pixel where the window leaves the image), its chunk factors
/// a gather of the pixels' chunk sums (a chunk lies inside one pixel), then the packed popcount
/// GEMM over all positions of the image with the fused bin-dot sink; with chunk factors, where the
/// CPU has them, the slot-dot kernels instead (a pixel's slot records, a row the copies of its
/// pixels' records). Dense blocks (a first, integer-valued convolution): each position's outputs
/// accumulated straight from the pixels (16-bit input pairs where they fit). Then the post ops and
/// the max-pool on the block's output grid, or, when the post ops are monotone per channel, the
/// max-pool first (on the sums as the kernels produce them, where they can) and the post ops on the
/// pooled values. Same integer arithmetic as the golden kernel, so the same values.
/// </summary>
internal sealed unsafe class ConvBlockKernel
{
    private readonly ConvBlock _block;
    private readonly KernelOptions _options;
    private readonly KernelOptions _inner;
    private readonly int _pixels;
    private readonly int _taps;
    private readonly int[] _tapPixels;
    private readonly ElementStep?[] _pre;
    private readonly ElementStep[] _post;
    private readonly ElementStep[] _postPool;
    private readonly PackedBinDot.Prepared? _binary;
    private readonly ActivationCoding _coding;
    private readonly PackedWeights? _spread;
    private readonly int _slot;
    private readonly int _pixelWidth;
    private readonly DenseWeights? _dense;
    private readonly SlotDot? _slots;
    private readonly PlanePooledDense? _planes;
    private readonly PooledRowPairCode? _rowPairs;

    /// <summary>The slot-dot's records built per pixel straight from the input and read in place; null where the block's form does not allow it.</summary>
    private readonly SlotRecordImage? _recordImage;
    private readonly int[] _allPositions = [];
    private readonly bool[] _allFirsts = [];

    /// <summary>How many of the first post ops the pooled kernel already applied (its relu: 1, else 0).</summary>
    private readonly int _postFused;
    private readonly int _pixelPairs;
    private readonly ThreadLocal<Workspace> _workspaces;
    private readonly int[] _poolSources = [];
    private readonly bool _poolFirst;

    /// <summary>Per pooled channel, -1 where the post ops are non-increasing (pool by min), 0 where non-decreasing (max); null: max everywhere.</summary>
    private readonly long[]? _poolDown;

    /// <summary>Slot-dot blocks that pool first: the positions to compute in pool-window order, each one's window and whether it is the window's first.</summary>
    private readonly int[] _pooledPositions = [];
    private readonly int[] _pooledWindows = [];
    private readonly bool[] _pooledFirsts = [];
    private readonly int[] _emptyWindows = [];
    private readonly int[] _inputOffsets = [];

    /// <summary>The pre op (a threshold) whose bits go straight into packed words, read by the dot alone; -1 when none.</summary>
    private readonly int _packedPre = -1;
    private readonly int _poolChannels;
    private readonly int _poolTaps;

    private readonly ValueArrays _arrays;

    public ConvBlockKernel(ConvBlock block, KernelOptions options, ValueArrays arrays)
    {
        _arrays = arrays;
        _block = block;
        _options = options;
        _inner = options with { Threads = 1 };
        var g = block.Geometry;
        _pixels = g.Height * g.Width;
        _taps = g.KernelHeight * g.KernelWidth;
        // per position and tap, the pixel it reads, or _pixels: the padding pixel
        _tapPixels = new int[g.Positions * _taps];
        for (int p = 0; p < g.Positions; p++)
        {
            for (int t = 0; t < _taps; t++)
            {
                int source = g.Source(p, t * g.Channels);
                _tapPixels[(p * _taps) + t] = source < 0 ? _pixels : source / g.Channels;
            }
        }
        _pre = [.. block.Pre.Select(n => n.Op is Ops.ChunkSum or Ops.ChunkFactor ? null : ElementStep.For(n, g.Channels))];
        _post = [.. block.Post.Select(n => ElementStep.For(n, block.Outputs)!)];
        _postPool = [.. block.PostPool.Select(n => ElementStep.For(n, block.Last.Type.Length)!)];
        if (block.BitsSource is { } bitsSource && block.Pre.ToList().IndexOf(bitsSource) is var index and >= 0
            && _pre[index] is { Packs: true } && !block.Pre.Any(n => n.Operands.Contains(bitsSource.Name)))
            _packedPre = index;
        if (block.Dot.Op == Ops.BinDot)
        {
            _binary = new PackedBinDot.Prepared(block.Dot, PackedBinDot.Pack(block.Dot)!);
            _binary.Weights.Prepare(options.Isa);
            _pixelWidth = g.Channels;
            _coding = block.BitsSource!.Type.Encoding == BitEncoding.ZeroOne ? ActivationCoding.Unipolar : ActivationCoding.Bipolar;
            (_slots, _pixelPairs) = SlotDotFor(block, _binary, _coding, options);
        }
        if (_binary is not null && _slots is null)
        {
            // Chunks off the 32-bit steps (HBNN's 16) would run the table-lookup kernel: give each chunk
            // its own 32-bit step instead (zero bits count nothing, in AND and in XOR against zero weights),
            // so the VPOPCNTD kernel runs, at the price of the zeros' popcounts.
            int k = _binary.Weights.Chunks.ChunkLength;
            if (KernelCpu.Resolve(options.Isa) == KernelIsa.Avx512Popcount && k % 32 != 0 && k < 64 && g.Channels % k == 0)
            {
                _slot = (k + 31) / 32 * 32;
                var real = _binary.Weights.Bits;
                int count = _binary.Weights.Chunks.Count;
                var bits = new BitMatrix(real.Rows, count * _slot);
                for (int j = 0; j < real.Rows; j++)
                {
                    for (int q = 0; q < count; q++)
                    {
                        for (int b = 0; b < k; b++) bits[j, (q * _slot) + b] = real[j, (q * k) + b];
                    }
                }
                _spread = new PackedWeights(bits, _slot);
                _spread.Prepare(options.Isa);
                _pixelWidth = g.Channels / k * _slot;
            }
        }
        if (_binary is null)
        {
            _dense = DenseWeights.For(block.Dot, block.Window.Type, options.WordLanes);
        }
        if (block.Pool is { } pool)
        {
            // per pooled position and pool tap, the grid element the tap starts at, or -1 outside the grid
            var pg = WindowAttrs.Geometry(pool);
            (_poolChannels, _poolTaps) = (pg.Channels, pg.KernelHeight * pg.KernelWidth);
            _poolSources = new int[pg.Positions * _poolTaps];
            for (int q = 0; q < pg.Positions; q++)
            {
                for (int t = 0; t < _poolTaps; t++) _poolSources[(q * _poolTaps) + t] = pg.Source(q, t * pg.Channels);
            }
            _poolFirst = _post.All(step => step.NonDecreasing);
            if (!_poolFirst && _post.Length > 0 && _post[^1].MakesBits && _post[..^1].All(step => step.NonDecreasing))
            {
                // a threshold that points down on some channels: there f is non-increasing, max f(x) = f(min x)
                _poolFirst = true;
                _poolDown = [.. _post[^1].Directions.ToArray().Select(d => d < 0 ? -1L : 0L)];
            }
            if (_poolFirst && _slots is not null)
            {
                var positions = new List<int>();
                var windows = new List<int>();
                var firsts = new List<bool>();
                for (int q = 0; q < pg.Positions; q++)
                {
                    bool first = true;
                    foreach (int source in PairedForPadding(g, pg.Channels, [.. _poolSources.AsSpan(q * _poolTaps, _poolTaps)]))
                    {
                        if (source < 0) continue;
                        positions.Add(source / pg.Channels);
                        windows.Add(q);
                        firsts.Add(first);
                        first = false;
                    }
                }
                (_pooledPositions, _pooledWindows, _pooledFirsts) = ([.. positions], [.. windows], [.. firsts]);
            }
            if (_poolFirst && _poolDown is null && _dense is PairDenseWeights { TwoVectors: true } pairs)
            {
                // per position, where each receptive-field input sits in the image's 16-bit frame (padding: the zero pixel), padded to whole pairs
                int stride = 2 * pairs.PairCount;
                _inputOffsets = new int[g.Positions * stride];
                for (int p = 0; p < g.Positions; p++)
                {
                    for (int i = 0; i < stride; i++)
                        _inputOffsets[(p * stride) + i] = i < g.Patch ? (_tapPixels[(p * _taps) + (i / g.Channels)] * g.Channels) + (i % g.Channels) : _pixels * g.Channels;
                }
            }
            // channel-major only where the per-position form cannot keep a position's sums in two registers
            // (32 outputs, pool max in registers: faster there, mnist-bnn-cnn 30% slower with planes)
            if (_poolFirst && _poolDown is null && _dense is not null && options.WordLanes && KernelCpu.Resolve(options.Isa) == KernelIsa.Avx512Popcount)
            {
                // every weight in a register, inputs broadcast from the image, the relu as the pool's floor: beats both forms below
                bool relu = _post.Length > 0 && _post[0].Op == Ops.Relu;
                _rowPairs = PooledRowPairCode.Create(block, relu);
                if (_rowPairs is not null) (_postFused, _inputOffsets) = (relu ? 1 : 0, []);
            }
            if (_rowPairs is null && _poolFirst && _dense is not null && options.WordLanes && _inputOffsets.Length == 0) _planes = PlanePooledDense.Create(block, _poolDown);
            _emptyWindows = [.. Enumerable.Range(0, pg.Positions).Where(q => _poolSources.AsSpan(q * _poolTaps, _poolTaps).IndexOfAnyExcept(-1) < 0)];
        }
        if (_slots is not null)
        {
            bool pooledRows = _poolFirst && _pooledPositions.Length > 0;
            _allPositions = [.. Enumerable.Range(0, g.Positions)];
            _allFirsts = [.. Enumerable.Repeat(true, g.Positions)];
            _recordImage = SlotRecordImage.Create(block, _slots, _pre, _packedPre, pooledRows ? _pooledPositions : _allPositions);
        }
        _workspaces = new ThreadLocal<Workspace>(() => new Workspace(this));
    }

    /// <summary>
    /// A 2 x 2 pool window's four taps, row by row, or column by column when that puts more padding cells of the
    /// receptive fields into both rows of a kernel call (two rows a call with a high part): at the image's left and
    /// right edges the column pairs share a padded column, which the slot kernel then leaves out (<see cref="SlotDot.RunAt"/>).
    /// The max over a window does not depend on the order.
    /// </summary>
    private static int[] PairedForPadding(HwFlow.Runtime.Semantics.WindowGeometry g, int channels, int[] taps)
    {
        if (taps.Length != 4 || taps.Any(t => t < 0)) return taps;
        long Padded(int element)
        {
            int p = element / channels, y0 = (p / g.OutWidth * g.Stride) - g.Padding, x0 = (p % g.OutWidth * g.Stride) - g.Padding;
            long mask = 0;
            for (int s = 0; s < g.KernelHeight; s++)
            {
                for (int k = 0; k < g.KernelWidth; k++)
                {
                    if (y0 + s < 0 || y0 + s >= g.Height || x0 + k < 0 || x0 + k >= g.Width) mask |= 1L << Math.Min(63, (s * g.KernelWidth) + k);
                }
            }
            return mask;
        }
        var m = taps.Select(Padded).ToArray();
        int rows = System.Numerics.BitOperations.PopCount((ulong)(m[0] & m[1])) + System.Numerics.BitOperations.PopCount((ulong)(m[2] & m[3]));
        int columns = System.Numerics.BitOperations.PopCount((ulong)(m[0] & m[2])) + System.Numerics.BitOperations.PopCount((ulong)(m[1] & m[3]));
        return columns > rows ? [taps[0], taps[2], taps[1], taps[3]] : taps;
    }

    /// <summary>Whether the slot-dot reads its records in place from a padded record image (<see cref="SlotRecordImage"/>).</summary>
    internal bool UsesRecordImage => _recordImage is not null;

    /// <summary>The record image builder, for the block that writes this block's input (<see cref="RecordImageFeed"/>).</summary>
    internal SlotRecordImage? RecordImage => _recordImage;

    /// <summary>This block's input's record images, built by the block that writes the input (null: built here).</summary>
    internal RecordImageFeed? FeedIn { get; set; }

    /// <summary>The next block's record images, built here from each image's values as soon as they are written.</summary>
    internal RecordImageFeed? FeedOut { get; set; }

    /// <summary>The block's input (the node its window reads).</summary>
    internal string InputName => _block.Window.Operands[0];

    /// <summary>Whether the block's value is integers (a <see cref="RecordImageFeed"/> reads integers only).</summary>
    internal bool WritesIntegers => _block.Last.Type.Kind == ValueKind.Int;

    /// <summary>Whether the record image builds each pixel's records in one vector pass (<see cref="SlotRecordImage.VectorPixels"/>).</summary>
    internal bool UsesVectorPixels => _recordImage?.VectorPixels == true;

    /// <summary>Whether the slot kernel leaves the padding cells of receptive fields out (<see cref="SlotRecordImage.SkipsPadding"/>).</summary>
    internal bool SkipsPadding => _recordImage?.SkipsPadding == true;

    /// <summary>Whether the bin-dot runs on the slot-dot kernels (tests check that the path they mean to cover runs).</summary>
    internal bool UsesSlotDot => _slots is not null;

    /// <summary>Whether the first convolution and its pool run channel-major (<see cref="PlanePooledDense"/>).</summary>
    internal bool UsesPlanes => _planes is not null;

    /// <summary>Whether the first convolution and its pool run as <see cref="PooledRowPairCode"/>.</summary>
    internal bool UsesRowPairs => _rowPairs is not null;

    /// <summary>
    /// The slot-dot form of a block's bin-dot when its chunks lie inside a pixel: a pixel's chunks in
    /// 16-bit slots, padded to whole slot pairs, so that a receptive field's records are its pixels'
    /// records concatenated. Null when the CPU lacks the kernels or the bounds do not prove them exact.
    /// </summary>
    private static (SlotDot? Dot, int PixelPairs) SlotDotFor(ConvBlock block, PackedBinDot.Prepared binary, ActivationCoding coding, KernelOptions options)
    {
        var g = block.Geometry;
        int c = g.Channels, k = binary.Weights.Chunks.ChunkLength;
        if (c % k != 0 || binary.Weights.Inputs != g.Patch) return (null, 0);
        long maxFactor = 1;
        if (block.SumSource is { } sums)
        {
            if (sums.Type.Min < 0) return (null, 0);
            maxFactor = sums.Type.Max;
        }
        var slots = new List<Slot>();
        int taps = g.KernelHeight * g.KernelWidth, perPixel = c / k;
        for (int t = 0; t < taps; t++)
        {
            for (int q = 0; q < perPixel; q++) Slot.AddChunk(slots, (t * c) + (q * k), k, (t * perPixel) + q);
            if (slots.Count % 2 != 0) slots.Add(Slot.Padding);
        }
        var dot = SlotDot.Create(binary.Weights.Bits, slots, binary.CoefByChunk, binary.PaddedOutputs, coding, maxFactor, options);
        return (dot, slots.Count / 2 / taps);
    }

    public GraphValue Evaluate(GraphValue input)
    {
        int rows = input.Rows, length = _block.Last.Type.Length;
        bool bits = _block.Last.Type.Kind == ValueKind.Bits;
        var bytes = bits ? _arrays.Rent<byte>((long)rows * length) : null;
        var longs = bits ? null : _arrays.Rent<long>((long)rows * length);
        var feed = bits ? null : FeedOut;
        feed?.Begin(longs!, rows);
        void Image(int r)
        {
            var space = _workspaces.Value!;
            if (_poolFirst)
            {
                PoolFirst(input, r, space, bits ? bytes.AsSpan(r * length, length) : default, bits ? default : longs.AsSpan(r * length, length));
            }
            else
            {
                Run(input, r, space);
                long clock = StepClock.Start();
                if (bits) Finish(space, space.Bits, bytes.AsSpan(r * length, length));
                else Finish(space, space.Totals, longs.AsSpan(r * length, length));
                foreach (var step in _postPool) step.Apply(longs.AsSpan(r * length, length), longs.AsSpan(r * length, length));
                StepClock.Stop(_block.Last.Name, "pool", clock);
            }
            if (feed is not null)
            {
                long clock = StepClock.Start();
                feed.Record(longs!, r, longs.AsSpan(r * length, length));
                StepClock.Stop(_block.Last.Name, "next block's record image", clock);
            }
        }
        if (_options.EffectiveThreads == 1 || rows == 1)
        {
            for (int r = 0; r < rows; r++) Image(r);
        }
        else
        {
            Parallel.For(0, rows, new ParallelOptions { MaxDegreeOfParallelism = _options.EffectiveThreads }, Image);
        }
        return bits ? new BitsValue(rows, length, bytes!, _block.Last.Type.Encoding) : new IntValue(rows, length, longs!, _block.Last.Type.Scale);
    }

    /// <summary>
    /// Max-pool, then the post ops: every post op is non-decreasing (relu, shift, clamp, a threshold whose
    /// directions are all up), so f(max(a, b)) = max(f(a), f(b)) and the post ops run on a quarter of the
    /// values (2x2 pools). A pool window with no source in the grid is 0 after the post ops, as before.
    /// </summary>
    private void PoolFirst(GraphValue input, int r, Workspace space, Span<byte> bits, Span<long> longs)
    {
        long clock = StepClock.Start();
        var pooled = longs.IsEmpty ? space.Pooled.AsSpan() : longs;
        if (_rowPairs is not null)
        {
            _rowPairs.Run(((IntValue)input).Row(r), pooled);
            clock = StepClock.Stop(_block.Last.Name, "dot + pool", clock);
        }
        else if (_planes is not null)
        {
            // channel-major: 16 pool windows per vector, the pool's four positions as four chains, no grid
            _planes.Run(((IntValue)input).Row(r), pooled);
            clock = StepClock.Stop(_block.Last.Name, "dot + pool", clock);
        }
        else if (_inputOffsets.Length > 0 && _dense is PairDenseWeights pairs)
        {
            // the common first convolution: each pool window's positions computed and maxed in registers, no grid
            DensePooled(pairs, ((IntValue)input).Row(r), pooled, space);
            clock = StepClock.Stop(_block.Last.Name, "dot + pool", clock);
        }
        else if (_pooledPositions.Length > 0)
        {
            // the slot-dot kernel's sums pooled as they are combined: no output grid
            RunBinary(input, r, space, pooled);
            clock = StepClock.Stop(_block.Last.Name, "dot + pool", clock);
        }
        else
        {
            if (_dense is not null) RunDense((IntValue)input, r, space);
            else RunBinary(input, r, space);
            clock = StepClock.Stop(_block.Last.Name, "dot", clock);
            if (_poolDown is null) Finish(space, space.Totals, pooled);
            else PoolMixed(space.Totals, pooled, _poolDown);
            clock = StepClock.Stop(_block.Last.Name, "pool", clock);
        }
        foreach (var step in _post.AsSpan(_postFused))
        {
            if (step.MakesBits) step.Apply(pooled, bits);
            else step.Apply(pooled, pooled);
        }
        foreach (int q in _emptyWindows)
        {
            if (longs.IsEmpty) bits.Slice(q * _poolChannels, _poolChannels).Clear();
            else longs.Slice(q * _poolChannels, _poolChannels).Clear();
        }
        foreach (var step in _postPool) step.Apply(longs, longs);
        StepClock.Stop(_block.Last.Name, "post", clock);
    }

    /// <summary>The max over each pool window's positions of a two-vector pair-dense layer's sums (windows with no position: 0).</summary>
    private void DensePooled(PairDenseWeights pairs, ReadOnlySpan<long> x, Span<long> pooled, Workspace space)
    {
        int c = _poolChannels, taps = _poolTaps, stride = 2 * pairs.PairCount;
        var frame = space.ShortFrame;
        for (int i = 0; i < x.Length; i++) frame[i] = (short)x[i];
        fixed (short* frameData = frame)
        fixed (int* offsets = _inputOffsets)
        {
            for (int q = 0; q < pooled.Length / c; q++)
            {
                var sources = _poolSources.AsSpan(q * taps, taps);
                if (taps == 4 && sources.IndexOf(-1) < 0)
                {
                    var (l4, h4) = pairs.MaxOfFour(frameData, offsets + ((sources[0] / c) * stride), offsets + ((sources[1] / c) * stride),
                        offsets + ((sources[2] / c) * stride), offsets + ((sources[3] / c) * stride));
                    pairs.Store(l4, pooled.Slice(q * c, c), 0);
                    pairs.Store(h4, pooled.Slice(q * c, c), 16);
                    continue;
                }
                var low = Vector512.Create(int.MinValue);
                var high = low;
                bool any = false;
                foreach (int source in _poolSources.AsSpan(q * taps, taps))
                {
                    if (source < 0) continue;
                    var (l, h) = pairs.Sums(frameData, offsets + ((source / c) * stride));
                    low = Vector512.Max(low, l);
                    high = Vector512.Max(high, h);
                    any = true;
                }
                var target = pooled.Slice(q * c, c);
                if (!any)
                {
                    target.Clear();
                    continue;
                }
                pairs.Store(low, target, 0);
                pairs.Store(high, target, 16);
            }
        }
    }

    /// <summary>The dot's outputs for image <paramref name="r"/> into space.Totals, then the post ops (bits into space.Bits).</summary>
    private void Run(GraphValue input, int r, Workspace space)
    {
        long clock = StepClock.Start();
        if (_dense is not null) RunDense((IntValue)input, r, space);
        else RunBinary(input, r, space);
        clock = StepClock.Stop(_block.Last.Name, "dot", clock);
        var totals = space.Totals.AsSpan();
        foreach (var step in _post)
        {
            if (step.MakesBits) step.Apply(totals, space.Bits.AsSpan());
            else step.Apply(totals, totals);
        }
        StepClock.Stop(_block.Last.Name, "post", clock);
    }

    private void RunDense(IntValue input, int r, Workspace space)
    {
        var g = _block.Geometry;
        int outputs = _block.Outputs;
        var x = input.Row(r);
        for (int p = 0; p < g.Positions; p++)
            _dense!.Position(x, _tapPixels.AsSpan(p * _taps, _taps), _pixels, g.Channels, space.Totals.AsSpan(p * outputs, outputs));
    }

    private void RunBinary(GraphValue input, int r, Workspace space, Span<long> pooled = default)
    {
        long clock = StepClock.Start();
        if (_recordImage is not null && input is IntValue or BitsValue)
        {
            byte* image = FeedIn is { } feed && input is IntValue fed ? feed.Find(fed.Data, r) : null;
            if (image is null && input is IntValue pixels) image = _recordImage.Fill(pixels.Row(r));
            if (image is null)
            {
                // bits read as integers (+-1), as the window reads them: the same values the frame below would hold
                PlusMinusOne(((BitsValue)input).Row(r), space.Frame);
                image = _recordImage.Fill(space.Frame.AsSpan(0, _pixels * _block.Geometry.Channels));
            }
            clock = StepClock.Stop(_block.Last.Name, "dot: record image (inside dot)", clock);
            fixed (long* bias = _binary!.Bias)
            fixed (long* pooledTarget = pooled)
            fixed (long* totals = space.Totals)
            {
                if (pooledTarget is not null) _recordImage.Run(image, bias, pooledTarget, _pooledWindows, _pooledFirsts, _poolDown);
                else _recordImage.Run(image, bias, totals, _allPositions, _allFirsts, null);
            }
            StepClock.Stop(_block.Last.Name, "dot: slot kernel (inside dot)", clock);
            return;
        }
        var g = _block.Geometry;
        int c = g.Channels, frame = (_pixels + 1) * c;
        // the pre ops on the pixels and on one padding pixel (the window pads with 0)
        if (_block.Window.Type.Kind == ValueKind.Bits)
        {
            ((BitsValue)input).Row(r).CopyTo(space.FrameBits);
            space.FrameBits.AsSpan(_pixels * c, c).Clear();
        }
        else if (input is IntValue ints)
        {
            ints.Row(r).CopyTo(space.Frame);
            space.Frame.AsSpan(_pixels * c, c).Clear();
        }
        else
        {
            PlusMinusOne(((BitsValue)input).Row(r), space.Frame);
            space.Frame.AsSpan(_pixels * c, c).Clear();
        }
        clock = StepClock.Stop(_block.Last.Name, "dot: frame (inside dot)", clock);
        for (int i = 0; i < _pre.Length; i++)
        {
            var node = _block.Pre[i];
            if (i == _packedPre) continue;
            var target = space.PreValues[node.Name];
            if (node.Op == Ops.ChunkFactor)
            {
                ChunkFactors(node.Operands.Count == 2 ? (long[])space.Value(node.Operands[0]) : null, (byte[])space.Value(node.Operands[^1]), (int)node.Int("chunk"), (long[])target);
                continue;
            }
            var operand = ((long[])space.Value(node.Operands[0])).AsSpan(0, frame);
            if (_pre[i] is not { } step) ChunkSums(operand, (int)node.Int("chunk"), (long[])target);
            else if (step.MakesBits) step.Apply(operand, ((byte[])target).AsSpan(0, frame));
            else step.Apply(operand, ((long[])target).AsSpan(0, frame));
            clock = StepClock.Stop(_block.Last.Name, node.Name, clock);
        }
        if (_packedPre >= 0)
        {
            var source = (long[])space.Value(_block.Pre[_packedPre].Operands[0]);
            _pre[_packedPre]!.ApplyPacked(source.AsSpan(0, frame), space.PixelWords, space.WordsPerPixel);
        }
        else
        {
            PackPixels((byte[])space.Value(_block.BitsSource!.Name), c, space.PixelWords, space.WordsPerPixel);
        }
        StepClock.Stop(_block.Last.Name, "dot: pack (inside dot)", clock);
        if (_slots is not null)
        {
            fixed (long* target = pooled)
            {
                RunSlots(space, target);
            }
            return;
        }
        var weights = _binary!.Weights;
        int chunks = weights.Chunks.Count;
        if (_spread is null)
        {
            GatherRows(space, space.PixelWords, space.WordsPerPixel);
        }
        else
        {
            Spread(space.PixelWords, space.WordsPerPixel, space.SpreadWords, space.SpreadWordsPerPixel, weights.Chunks.ChunkLength, c / weights.Chunks.ChunkLength);
            GatherRows(space, space.SpreadWords, space.SpreadWordsPerPixel);
        }
        if (_coding == ActivationCoding.Unipolar) PopCounts(space, (_spread ?? weights).Chunks);
        long[]? factors = null;
        if (_block.SumSource is { } sums)
        {
            factors = space.Factors;
            var pixelSums = (long[])space.Value(sums.Name);
            int perPixel = c / weights.Chunks.ChunkLength;
            for (int p = 0; p < g.Positions; p++)
            {
                for (int t = 0; t < _taps; t++)
                    pixelSums.AsSpan(_tapPixels[(p * _taps) + t] * perPixel, perPixel).CopyTo(factors.AsSpan((p * chunks) + (t * perPixel), perPixel));
            }
        }
        fixed (int* pops = space.Pops)
        fixed (long* factorData = factors)
        fixed (long* coef = _binary.CoefByChunk)
        fixed (long* bias = _binary.Bias)
        fixed (long* target = space.Totals)
        {
            var sink = new BinDotSink(new SignedCounts(weights.Chunks, _coding, pops), factorData, chunks, coef, null, bias,
                _binary.PaddedOutputs, target, weights.Outputs);
            PackedKernel.Run(space.Rows, _spread ?? weights, _coding, sink, _inner);
        }
    }

    /// <summary>Bits as the integers +-1 (a window of bits that reaches padding holds integers: padding is 0).</summary>
    private static void PlusMinusOne(ReadOnlySpan<byte> source, long[] frame)
    {
        int i = 0;
        if (System.Runtime.Intrinsics.X86.Avx512F.IsSupported)
        {
            for (; i + 8 <= source.Length; i += 8)
            {
                var bytes = Vector128.CreateScalar(BitConverter.ToUInt64(source.Slice(i, 8))).AsByte();
                ((System.Runtime.Intrinsics.X86.Avx512F.ConvertToVector512Int64(bytes) * 2) - Vector512<long>.One).CopyTo(frame.AsSpan(i, 8));
            }
        }
        for (; i < source.Length; i++) frame[i] = (2 * source[i]) - 1;
    }

    /// <summary>The bin-dot on the slot-dot kernels: each pixel's records once, a receptive field's row the copies of its pixels' records.</summary>
    private void RunSlots(Workspace space, long* pooled)
    {
        var g = _block.Geometry;
        int c = g.Channels, k = _binary!.Weights.Chunks.ChunkLength, perPixel = c / k;
        var pixelSums = _block.SumSource is { } sums ? (long[])space.Value(sums.Name) : null;
        int pairBytes = _pixelPairs * SlotDotCode.RecordBytes;
        byte* pixelRecords = space.PixelRecords.Pointer;
        fixed (ulong* words = space.PixelWords)
        {
            for (int p = 0; p <= _pixels; p++)
            {
                ushort* records = (ushort*)(pixelRecords + ((long)p * pairBytes));
                ulong* pixel = words + ((long)p * space.WordsPerPixel);
                if (k == 16 && perPixel % 2 == 0)
                {
                    // 16-bit chunks, whole pairs: a pair is 32 bits of the pixel's words and two chunk factors
                    for (int pair = 0; pair < perPixel / 2; pair++)
                    {
                        uint bits = (uint)(pixel[pair >> 1] >> (32 * (pair & 1)));
                        long f0 = 1, f1 = 1;
                        if (pixelSums is not null) (f0, f1) = (pixelSums[(p * perPixel) + (2 * pair)], pixelSums[(p * perPixel) + (2 * pair) + 1]);
                        _slots!.FillPair(records + (pair * (SlotDotCode.RecordBytes / sizeof(ushort))), bits, f0, f1);
                    }
                    continue;
                }
                if (k == 32)
                {
                    // 32-bit chunks (BNN's): chunk q is pair q, both its slots with the chunk's factor (what the slot by slot fill writes)
                    for (int q = 0; q < perPixel; q++)
                    {
                        uint bits = (uint)(pixel[q >> 1] >> (32 * (q & 1)));
                        long f = pixelSums is null ? 1 : pixelSums[(p * perPixel) + q];
                        _slots!.FillPair(records + (q * (SlotDotCode.RecordBytes / sizeof(ushort))), bits, f, f);
                    }
                    continue;
                }
                int slot = 0;
                for (int q = 0; q < perPixel; q++)
                {
                    long factor = pixelSums is null ? 1 : pixelSums[(p * perPixel) + q];
                    for (int h = 0; h < k; h += 16, slot++)
                    {
                        int start = (q * k) + h, length = Math.Min(16, k - h), shift = start & 63;
                        ulong field = pixel[start >> 6] >> shift;
                        if (shift + length > 64) field |= pixel[(start >> 6) + 1] << (64 - shift);
                        _slots!.Fill(records, slot, (uint)(field & ((1UL << length) - 1)), length, factor);
                    }
                }
                if (slot % 2 != 0) _slots!.Fill(records, slot, 0, 0, 0);
            }
        }
        long clock = StepClock.Start();
        byte* rows = space.RowRecords.Pointer;
        long stride = _slots!.RecordStride;
        // pooled: the rows in pool-window order (positions in no window are skipped), else every position
        int rowCount = pooled is null ? g.Positions : _pooledPositions.Length;
        fixed (int* tapPixels = _tapPixels)
        {
            for (int i = 0; i < rowCount; i++)
            {
                int p = pooled is null ? i : _pooledPositions[i];
                byte* row = rows + (i * stride);
                int* taps = tapPixels + (p * _taps);
                if (pairBytes == SlotDotCode.RecordBytes)
                {
                    // one slot pair per pixel (HBNN's 2 x 16, BNN's 32 channels): one 16-byte move per tap
                    for (int t = 0; t < _taps; t++) ((Vector128<byte>*)row)[t] = ((Vector128<byte>*)pixelRecords)[taps[t]];
                    continue;
                }
                if (pairBytes == 2 * SlotDotCode.RecordBytes)
                {
                    // two slot pairs per pixel (HBNN's 4 x 16, BNN's 64 channels): one 32-byte move per tap
                    for (int t = 0; t < _taps; t++) ((Vector256<byte>*)row)[t] = ((Vector256<byte>*)pixelRecords)[taps[t]];
                    continue;
                }
                for (int t = 0; t < _taps; t++)
                    Unsafe.CopyBlock(row + (t * pairBytes), pixelRecords + ((long)taps[t] * pairBytes), (uint)pairBytes);
            }
        }
        fixed (long* bias = _binary.Bias)
        fixed (long* target = space.Totals)
        {
            clock = StepClock.Stop(_block.Last.Name, "dot: gather records (inside dot)", clock);
            if (pooled is not null) _slots.RunPooled(rows, rowCount, bias, pooled, _pooledWindows, _pooledFirsts, _poolDown);
            else _slots.Run(rows, g.Positions, bias, target);
            StepClock.Stop(_block.Last.Name, "dot: slot kernel (inside dot)", clock);
        }
    }

    /// <summary>Per pixel (and the padding pixel), the sum of |v| over each chunk of its channels.</summary>
    private static void ChunkSums(ReadOnlySpan<long> values, int chunk, long[] sums)
    {
        if (chunk % 8 == 0 && values.Length % chunk == 0)
        {
            ElementNodes.MagnitudeSums(values, chunk, sums.AsSpan(0, values.Length / chunk));
            return;
        }
        for (int i = 0, s = 0; i < values.Length; i += chunk, s++)
        {
            long sum = 0;
            foreach (long v in values.Slice(i, chunk)) sum += Math.Abs(v);
            sums[s] = sum;
        }
    }

    /// <summary>Per pixel and chunk, the number of one bits, times the chunk's sum when there is one.</summary>
    private static void ChunkFactors(long[]? sums, byte[] bits, int chunk, long[] factors)
    {
        for (int i = 0, s = 0; i < bits.Length; i += chunk, s++)
        {
            long ones = 0;
            foreach (byte b in bits.AsSpan(i, chunk)) ones += b;
            factors[s] = sums is null ? ones : ones * sums[s];
        }
    }

    /// <summary>Each pixel's channel bits (one byte each) as words, bit i of a pixel in bit i % 64 of its word i / 64.</summary>
    private static void PackPixels(byte[] bits, int channels, ulong[] words, int wordsPerPixel)
    {
        for (int p = 0; p < bits.Length / channels; p++) BytePacking.Pack(bits.AsSpan(p * channels, channels), words.AsSpan(p * wordsPerPixel, wordsPerPixel));
    }

    /// <summary>Each pixel's chunks of k bits moved to their own slots of <see cref="_slot"/> bits (the rest zero).</summary>
    private void Spread(ulong[] words, int wordsPerPixel, ulong[] spread, int spreadPerPixel, int k, int chunksPerPixel)
    {
        Array.Clear(spread);
        ulong mask = (1UL << k) - 1;
        for (int p = 0; p < words.Length / wordsPerPixel; p++)
        {
            int from = p * wordsPerPixel, to = p * spreadPerPixel;
            for (int q = 0; q < chunksPerPixel; q++)
            {
                int start = q * k, word = start >> 6, shift = start & 63;
                ulong field = words[from + word] >> shift;
                if (shift + k > 64) field |= words[from + word + 1] << (64 - shift);
                int at = q * _slot;
                spread[to + (at >> 6)] |= (field & mask) << (at & 63);
            }
        }
    }

    /// <summary>Row p of the activation matrix: the words of its receptive field's pixels (<see cref="_pixelWidth"/> bits each), concatenated.</summary>
    private void GatherRows(Workspace space, ulong[] pixelWords, int perPixel)
    {
        var g = _block.Geometry;
        int c = _pixelWidth, used = ((_taps * c) + 63) / 64;
        fixed (ulong* pixels = pixelWords)
        {
            for (int p = 0; p < g.Positions; p++)
            {
                ulong* row = space.Rows.RowPointer(p);
                new Span<ulong>(row, used).Clear();
                if (c % 32 == 0)
                {
                    // whole 32-bit halves: plain copies
                    uint* half = (uint*)row;
                    for (int t = 0; t < _taps; t++)
                        Unsafe.CopyBlock(half + (t * (c / 32)), pixels + (_tapPixels[(p * _taps) + t] * perPixel), (uint)(c / 8));
                    continue;
                }
                for (int t = 0; t < _taps; t++)
                {
                    ulong* source = pixels + (_tapPixels[(p * _taps) + t] * perPixel);
                    int offset = t * c, word = offset >> 6, shift = offset & 63;
                    for (int w = 0; w < perPixel; w++)
                    {
                        row[word + w] |= source[w] << shift;
                        if (shift != 0 && source[w] >> (64 - shift) is var high && high != 0) row[word + w + 1] |= high;
                    }
                }
            }
        }
    }

    /// <summary>pop(a) per row and chunk, which the unipolar form subtracts.</summary>
    private void PopCounts(Workspace space, ChunkLayout chunks)
    {
        int positions = _block.Geometry.Positions;
        for (int p = 0; p < positions; p++)
        {
            ulong* row = space.Rows.RowPointer(p);
            for (int k = 0; k < chunks.Count; k++)
            {
                int start = chunks.Start(k), end = start + chunks.LengthOf(k), count = 0;
                for (int i = start; i < end;)
                {
                    int bit = i & 63, take = Math.Min(64 - bit, end - i);
                    ulong mask = take == 64 ? ulong.MaxValue : ((1UL << take) - 1) << bit;
                    count += BitOperations.PopCount(row[i >> 6] & mask);
                    i += take;
                }
                space.Pops[(p * chunks.Count) + k] = count;
            }
        }
    }

    /// <summary>The block's value for one image: the max-pool of the post ops' output grid, or that grid.</summary>
    private void Finish<T>(Workspace space, T[] grid, Span<T> target)
        where T : unmanaged, INumber<T>
    {
        if (_block.Pool is null)
        {
            grid.AsSpan(0, target.Length).CopyTo(target);
            return;
        }
        int c = _poolChannels, taps = _poolTaps;
        ref T first = ref grid[0];
        for (int q = 0; q < target.Length / c; q++)
        {
            var best = target.Slice(q * c, c);
            ref T to = ref best[0];
            var sources = _poolSources.AsSpan(q * taps, taps);
            int count = 0;
            foreach (int source in sources)
            {
                if (source < 0) continue;
                ref T from = ref Unsafe.Add(ref first, source);
                int i = 0;
                if (count == 0)
                {
                    new ReadOnlySpan<T>(grid, source, c).CopyTo(best);
                }
                else
                {
                    for (; i + Vector512<T>.Count <= c; i += Vector512<T>.Count)
                        Vector512.Max(Vector512.LoadUnsafe(ref to, (nuint)i), Vector512.LoadUnsafe(ref from, (nuint)i)).StoreUnsafe(ref to, (nuint)i);
                    for (; i < c; i++) Unsafe.Add(ref to, i) = T.Max(Unsafe.Add(ref to, i), Unsafe.Add(ref from, i));
                }
                count++;
            }
            if (count == 0) best.Clear();
        }
    }

    /// <summary>The pool with max on the channels where <paramref name="down"/> is 0 and min where it is -1 (windows with no source: 0).</summary>
    private void PoolMixed(long[] grid, Span<long> target, long[] down)
    {
        int c = _poolChannels, taps = _poolTaps;
        ref long first = ref grid[0];
        ref long downs = ref down[0];
        for (int q = 0; q < target.Length / c; q++)
        {
            var best = target.Slice(q * c, c);
            ref long to = ref best[0];
            int count = 0;
            foreach (int source in _poolSources.AsSpan(q * taps, taps))
            {
                if (source < 0) continue;
                if (count++ == 0)
                {
                    grid.AsSpan(source, c).CopyTo(best);
                    continue;
                }
                ref long from = ref Unsafe.Add(ref first, source);
                int i = 0;
                for (; i + Vector512<long>.Count <= c; i += Vector512<long>.Count)
                {
                    var a = Vector512.LoadUnsafe(ref to, (nuint)i);
                    var b = Vector512.LoadUnsafe(ref from, (nuint)i);
                    Vector512.ConditionalSelect(Vector512.LoadUnsafe(ref downs, (nuint)i), Vector512.Min(a, b), Vector512.Max(a, b)).StoreUnsafe(ref to, (nuint)i);
                }
                for (; i < c; i++)
                    Unsafe.Add(ref to, i) = down[i] < 0 ? Math.Min(Unsafe.Add(ref to, i), Unsafe.Add(ref from, i)) : Math.Max(Unsafe.Add(ref to, i), Unsafe.Add(ref from, i));
            }
            if (count == 0) best.Clear();
        }
    }

    /// <summary>A thread's buffers for one image of this block.</summary>
    private sealed class Workspace
    {
        public Workspace(ConvBlockKernel kernel)
        {
            var block = kernel._block;
            var g = block.Geometry;
            int frame = (kernel._pixels + 1) * g.Channels, grid = g.Positions * block.Outputs;
            Totals = new long[grid];
            ShortFrame = new short[frame];
            Pooled = block.Pool is null ? [] : new long[block.Last.Type.Length];
            Bits = new byte[grid];
            Frame = new long[frame];
            FrameBits = new byte[frame];
            foreach (var node in block.Pre)
            {
                PreValues[node.Name] = node.Op is Ops.ChunkSum or Ops.ChunkFactor ? new long[frame / node.Int("chunk")]
                    : node.Type.Kind == ValueKind.Bits ? new byte[frame] : new long[frame];
            }
            PreValues[block.Window.Name] = block.Window.Type.Kind == ValueKind.Bits ? FrameBits : Frame;
            if (kernel._dense is not null) return;
            WordsPerPixel = (g.Channels + 63) / 64;
            PixelWords = new ulong[(kernel._pixels + 1) * WordsPerPixel];
            Rows = new BitMatrix(g.Positions, kernel._taps * kernel._pixelWidth);
            SpreadWordsPerPixel = (kernel._pixelWidth + 63) / 64;
            SpreadWords = kernel._spread is null ? [] : new ulong[(kernel._pixels + 1) * SpreadWordsPerPixel];
            int chunks = kernel._binary!.Weights.Chunks.Count;
            Factors = new long[g.Positions * chunks];
            Pops = new int[g.Positions * chunks];
            if (kernel._slots is { } slots)
            {
                PixelRecords = new AlignedBuffer<byte>((kernel._pixels + 1) * kernel._pixelPairs * SlotDotCode.RecordBytes);
                RowRecords = new AlignedBuffer<byte>(Math.Max(g.Positions, kernel._pooledPositions.Length) * slots.RecordStride);
            }
        }

        public AlignedBuffer<byte> PixelRecords { get; } = new(0);
        public AlignedBuffer<byte> RowRecords { get; } = new(0);

        public long[] Totals { get; }
        /// <summary>A dense block's input image as 16-bit values, and a zero padding pixel.</summary>
        public short[] ShortFrame { get; }
        public long[] Pooled { get; }
        public byte[] Bits { get; }
        public long[] Frame { get; }
        public byte[] FrameBits { get; }
        /// <summary>The window's frame (its input's pixels and a padding pixel) and each pre op's value on it, by node name.</summary>
        public Dictionary<string, Array> PreValues { get; } = [];

        public Array Value(string name) => PreValues[name];
        public int WordsPerPixel { get; }
        public ulong[] PixelWords { get; } = [];
        public int SpreadWordsPerPixel { get; }
        public ulong[] SpreadWords { get; } = [];
        public BitMatrix Rows { get; } = new(0, 0);
        public long[] Factors { get; } = [];
        public int[] Pops { get; } = [];
    }
}
