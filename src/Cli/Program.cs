using HwFlow.Cli;

return HwFlowCommand.Invoke(args);
