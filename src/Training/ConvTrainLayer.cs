using HwFlow.Runtime.Model;
using HwFlow.Runtime.Semantics;
using HwFlow.Runtime.Tensors;

namespace HwFlow.Training;

/// <summary>
/// A convolution as the model defines it: im2col, then the dense layer of its kind on every
/// receptive field (a batch of B images is B x P rows of kh * kw * cin values, one GEMM through
/// OpenBLAS). Conv2D wraps a LinearLayer's training layer, BinConv2D a BinLayer's: hb of each
/// receptive field and of each output channel's weights, forward and backward, is the dense
/// layer's own. The gradient returns through col2im.
/// <para>
/// When every hb chunk of a receptive field lies inside one pixel's channels (cin a multiple of
/// binAggression: chunks run along kh * kw * cin, channels fastest), a receptive field's chunks
/// are its pixels' chunks, so hb runs once per pixel before im2col instead of kh * kw times per
/// pixel after it: the same forward values, bit for bit. hb's gradient is linear in the output
/// gradient, so col2im first and hb's backward on the pixel map after gives the same gradient
/// (up to the rounding of the sums' order), at a ninth of the work for a 3x3 kernel.
/// </para>
/// <para>
/// With unipolar hb per pixel (HBNN after Ramp) the forward product runs on the map's bits
/// (<see cref="PackedHadamardProduct"/>: a popcount and two float operations per chunk instead
/// of a multiply-add per value; the GEMM's sum in another order of rounding); the backward pass
/// builds the receptive-field matrix from the binarized map then and takes the GEMMs as before.
/// </para>
/// </summary>
public sealed class ConvTrainLayer : ITrainLayer
{
    private readonly DenseTrainLayer _dense;
    private readonly Im2Col _im2col;
    private readonly int _stride;
    private readonly int _padding;
    private readonly int? _chunkOverride;
    private float[]? _cols;
    private float[]? _inputGradient;
    private readonly InputBinarization? _pixelBinarization;
    private float[]? _binarizedMap;
    private float[]? _mapScales;
    private float[]? _mapGradient;
    private float[]? _input;
    private readonly int[]? _directMap;
    private float[]? _directInput;
    private readonly bool _packed;
    private uint[]? _mapMasks;
    private PackedHbWeights? _packedWeights;
    private bool _fieldsPending;

    /// <param name="chunkOverride">A binAggression the exported layer states for itself (BNN: one pixel's channels, so that padding is exactly zero).</param>
    /// <param name="binarizeByPixel">Whether hb may run per pixel when the chunks allow it (false only to compare with the per-field path).</param>
    /// <param name="direct">Whether a short receptive field (<see cref="SmallPatchConvolution"/>) may skip the GEMM (false only to compare).</param>
    /// <param name="packed">Whether unipolar hb per pixel may take the forward product from bits (false only to compare).</param>
    public ConvTrainLayer(int[] input, ConvStage stage, DenseTrainLayer dense, int? chunkOverride = null, bool binarizeByPixel = true, bool direct = true,
        bool packed = true)
    {
        _im2col = new Im2Col(WindowGeometry.Convolution(input[0], input[1], input[2], stage.Kernel, stage.Kernel, stage.Stride, stage.Padding));
        if (dense.Inputs != Geometry.Patch) throw new ArgumentException($"the dense layer takes {dense.Inputs} inputs, a receptive field has {Geometry.Patch}");
        _dense = dense;
        _stride = stage.Stride;
        _padding = stage.Padding;
        _chunkOverride = chunkOverride;
        Inputs = Geometry.InputLength;
        Outputs = Geometry.Positions * dense.Outputs;
        OutputShape = [Geometry.OutHeight, Geometry.OutWidth, dense.Outputs];
        if (direct && dense.InputHadamard is null && Geometry.Patch <= SmallPatchConvolution.LongestPatch) _directMap = Geometry.SourceMap();
        if (binarizeByPixel && dense.InputHadamard is { } hb && Geometry.Channels % hb.Chunk == 0)
        {
            _pixelBinarization = hb;
            dense.InputBinarizedByCaller = true;
            _packed = packed && hb.Unipolar && hb.Chunk <= PackedHadamardProduct.LongestChunk && dense.Binarization == WeightBinarization.Hadamard;
        }
    }

    public WindowGeometry Geometry => _im2col.Geometry;
    public int Inputs { get; }
    public int Outputs { get; }
    public int[] OutputShape { get; }
    public IReadOnlyList<Parameter> Parameters => _dense.Parameters;
    public WeightBinarization Binarization => _dense.Binarization;

    public float[] Forward(float[] input, int rows, bool training)
    {
        if (_directMap is { } map)
        {
            if (training) _directInput = input;
            return _dense.ForwardBy((w, b, y) => SmallPatchConvolution.Forward(Geometry, map, input, w, b, y, rows, _dense.Outputs), rows * Geometry.Positions, training);
        }
        var x = input;
        if (_pixelBinarization is { } hb)
        {
            x = Buffers.Ensure(ref _binarizedMap, rows * Inputs);
            int pixels = rows * Geometry.Height * Geometry.Width;
            int chunks = HadamardRows.ChunksPerRow(Geometry.Channels, hb.Chunk);
            var scales = Buffers.Ensure(ref _mapScales, pixels * chunks);
            HadamardRows.Forward(input, x, scales, pixels, Geometry.Channels, hb.Chunk, hb.Unipolar, hb.Scales);
            if (training) _input = input;
            if (_packed)
            {
                _fieldsPending = training;
                var masks = _mapMasks is { Length: var n } && n == pixels * chunks ? _mapMasks : _mapMasks = new uint[pixels * chunks];
                PackedHadamardProduct.PackPositive(x, masks, pixels, Geometry.Channels, hb.Chunk);
                return _dense.ForwardBy((w, b, y) =>
                {
                    _packedWeights ??= new PackedHbWeights(_dense.Outputs, Geometry.Patch, hb.Chunk);
                    _packedWeights.Pack(w);
                    PackedHadamardProduct.Convolution(Geometry, masks, scales, chunks, _packedWeights, b, y, rows);
                }, rows * Geometry.Positions, training);
            }
        }
        var cols = Buffers.Ensure(ref _cols, rows * Geometry.Positions * Geometry.Patch);
        _im2col.Forward(x, cols, rows);
        return _dense.Forward(cols, rows * Geometry.Positions, training);
    }

    public float[]? Backward(float[] outputGradient, int rows, bool needInputGradient)
    {
        if (_directMap is { } map)
        {
            var input = _directInput ?? throw new InvalidOperationException("Backward before a training Forward");
            if (!needInputGradient)
            {
                _dense.WeightGradientsBy((dw, db) => SmallPatchConvolution.WeightGradient(Geometry, map, input, outputGradient, dw, db, rows, _dense.Outputs));
                return null;
            }
            // not a first layer: the input gradient goes through the matrix of receptive fields
            var fields = Buffers.Ensure(ref _cols, rows * Geometry.Positions * Geometry.Patch);
            _im2col.Forward(input, fields, rows);
            _dense.RememberInput(fields);
        }
        else if (_fieldsPending)
        {
            // the packed forward product needed no receptive-field matrix; the weight gradient does
            var fields = Buffers.Ensure(ref _cols, rows * Geometry.Positions * Geometry.Patch);
            _im2col.Forward(_binarizedMap!, fields, rows);
            _dense.RememberInput(fields);
            _fieldsPending = false;
        }
        var dcols = _dense.Backward(outputGradient, rows * Geometry.Positions, needInputGradient);
        if (!needInputGradient) return null;
        var dx = Buffers.Ensure(ref _inputGradient, rows * Inputs);
        if (_pixelBinarization is not { } hb)
        {
            _im2col.Backward(dcols!, dx, rows);
            return dx;
        }
        var dMap = Buffers.Ensure(ref _mapGradient, rows * Inputs);
        _im2col.Backward(dcols!, dMap, rows);
        HadamardRows.Backward(_input ?? throw new InvalidOperationException("Backward before a training Forward"), _mapScales!, dMap, dx,
            rows * Geometry.Height * Geometry.Width, Geometry.Channels, hb.Chunk, hb.Unipolar);
        return dx;
    }

    public Layer Export()
    {
        var g = Geometry;
        var shape = new[] { g.KernelHeight, g.KernelWidth, g.Channels, _dense.Outputs };
        Layer layer = _dense.Export() switch
        {
            BinLayer bin => new BinConv2D(new Tensor(shape, bin.Weights.Data), _stride, _padding),
            LinearLayer linear => new Conv2D(new Tensor(shape, linear.Weights.Data), linear.Bias, _stride, _padding),
            var other => throw new InvalidOperationException($"a convolution cannot export {other.Type}"),
        };
        return _chunkOverride is { } k ? layer with { BinAggression = k } : layer;
    }
}
