#:project ../src/Compiler/HwFlow.Compiler.csproj
#:property PublishAot=false
// A small bit-input BNN for a fully parallel build at one frame a cycle (BENCHMARKS.md, "Session 16:
// fully parallel small BNN"). 784 pixels need 13 beats of the 64-bit input, so the net reads MNIST
// downsampled to 8 x 8 = 64 binary pixels (the 24 x 24 centre, 3 x 3 means, >= 96 -> 255 else 0):
// one beat a frame. Run from the repository root:
//   dotnet run -c Release bench/bit-input-bnn.cs downsample OUT_DATASET
//   hwflow train --dataset OUT_DATASET --mode bnn --arch 64-32-32-10 ... -o TRAINED
//   dotnet run -c Release bench/bit-input-bnn.cs bits TRAINED OUT_MODEL
// `binarize OUT_DATASET` writes the 28 x 28 digits as 0/255 (>= 128), for a bit-input 784-wide net.
// `bits` rewrites the trained first layer (+-1 weights on 0/1 pixels) as QONNX's x*2-1, BipolarQuant,
// QuantLinear: w.x = (w.(2x-1) + sum w) / 2, so the QuantLinear scale is 1/2 and the BatchNorm mean
// moves by sum w / 2; the function is unchanged on 0/1 pixels, and the compiler then accepts
// --input-format bits (a binary first layer reading each byte through one threshold).
using System.Globalization;
using HwFlow.Runtime.Data;
using HwFlow.Runtime.Tensors;

if (args is ["downsample", var outDir]) Downsample(outDir);
else if (args is ["binarize", var binDir]) Binarize(binDir);
else if (args is ["bits", var trained, var outModel]) Bits(trained, outModel);
else { Console.Error.WriteLine("usage: bit-input-bnn.cs downsample OUT | binarize OUT | bits TRAINED OUT"); return 2; }
return 0;

static void Downsample(string outDir)
{
    Directory.CreateDirectory(outDir);
    foreach (var (split, prefix) in new[] { (DataSplit.Train, "train"), (DataSplit.Test, "t10k") })
    {
        var d = DatasetCatalog.Load("mnist", split);
        var pixels = new byte[d.Count * 64];
        for (int i = 0; i < d.Count; i++)
        {
            var img = d.Image(i);
            for (int r = 0; r < 8; r++)
                for (int c = 0; c < 8; c++)
                {
                    int sum = 0;
                    for (int dr = 0; dr < 3; dr++)
                        for (int dc = 0; dc < 3; dc++) sum += img[((2 + 3 * r + dr) * 28) + 2 + (3 * c) + dc];
                    pixels[(i * 64) + (r * 8) + c] = sum >= 96 * 9 ? (byte)255 : (byte)0;
                }
        }
        WriteIdx(Path.Combine(outDir, $"{prefix}-images-idx3-ubyte"), 0x803, [d.Count, 8, 8], pixels);
        WriteIdx(Path.Combine(outDir, $"{prefix}-labels-idx1-ubyte"), 0x801, [d.Count], d.Labels);
        Console.WriteLine($"{prefix}: {d.Count} images of 8 x 8");
    }
}

static void Binarize(string outDir)
{
    Directory.CreateDirectory(outDir);
    foreach (var (split, prefix) in new[] { (DataSplit.Train, "train"), (DataSplit.Test, "t10k") })
    {
        var d = DatasetCatalog.Load("mnist", split);
        var pixels = d.Images.Select(p => p >= 128 ? (byte)255 : (byte)0).ToArray();
        WriteIdx(Path.Combine(outDir, $"{prefix}-images-idx3-ubyte"), 0x803, [d.Count, 28, 28], pixels);
        WriteIdx(Path.Combine(outDir, $"{prefix}-labels-idx1-ubyte"), 0x801, [d.Count], d.Labels);
        Console.WriteLine($"{prefix}: {d.Count} images of 28 x 28, 0/255");
    }
}

static void WriteIdx(string path, int magic, int[] dims, byte[] data)
{
    using var w = new BinaryWriter(File.Create(path));
    void Be(int v) { w.Write((byte)(v >> 24)); w.Write((byte)(v >> 16)); w.Write((byte)(v >> 8)); w.Write((byte)v); }
    Be(magic);
    foreach (int d in dims) Be(d);
    w.Write(data);
}

static void Bits(string trained, string outModel)
{
    Directory.CreateDirectory(outModel);
    foreach (var f in Directory.GetFiles(trained, "*.npy")) File.Copy(f, Path.Combine(outModel, Path.GetFileName(f)), true);
    var lines = File.ReadAllLines(Path.Combine(trained, "model.yaml")).ToList();
    int first = lines.FindIndex(l => l.Contains("type: LinearLayer"));
    if (first < 0 || !lines[first].Contains("weights: w0.npy") || !lines[first + 1].Contains("mean: m1.npy"))
        throw new InvalidOperationException("expected a bnn model: LinearLayer w0.npy, then BatchNorm m1.npy");
    var w = NpyFile.Read(Path.Combine(trained, "w0.npy")); // [in, out]
    int inputs = w.Shape[0], outputs = w.Shape[1];
    var levels = new int[inputs * outputs];
    var sums = new double[outputs];
    for (int i = 0; i < inputs; i++)
        for (int j = 0; j < outputs; j++)
        {
            double v = w.GetDouble((long)(i * outputs) + j);
            if (v != 1 && v != -1) throw new InvalidOperationException($"w0[{i},{j}] = {v}: not +-1");
            levels[(i * outputs) + j] = (int)v;
            sums[j] += v;
        }
    NpyFile.Write(Path.Combine(outModel, "w0.npy"), NpyArray.FromInt32([inputs, outputs], levels));
    var m = NpyFile.Read(Path.Combine(trained, "m1.npy"));
    var mean = new float[outputs];
    for (int j = 0; j < outputs; j++) mean[j] = (float)(m.GetDouble(j) - (sums[j] / 2)); // exact: sums are even or odd integers, halves in float
    NpyFile.Write(Path.Combine(outModel, "m1.npy"), NpyArray.FromFloats([outputs], mean));
    lines[first] = "  - { type: Affine, scale: 2, bias: -1 }\n  - { type: BipolarQuant, scale: 1 }\n  - { type: QuantLinear, weights: w0.npy, scale: 0.5 }";
    File.WriteAllLines(Path.Combine(outModel, "model.yaml"), lines);
    Console.WriteLine($"{outModel}: first layer {inputs} x {outputs} as x*2-1, BipolarQuant, QuantLinear (scale 1/2, BatchNorm mean - sum w / 2)");
}
