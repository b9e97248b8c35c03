using HwFlow.Cli;

HwFlow.Runtime.IO.StartupLaps.Lap("main entered");
return HwFlowCommand.Invoke(args);
