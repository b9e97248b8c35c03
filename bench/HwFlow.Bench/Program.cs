using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/HwFlow.Bench -- --filter '*'   (BenchmarkDotNet's own options)
BenchmarkSwitcher.FromAssembly(typeof(HwFlow.Bench.GemmBenchmarks).Assembly).Run(args);
