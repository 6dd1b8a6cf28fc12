using P2PCall.Samples.Cli;

// dotnet run --project samples/P2PCall.Samples.Console -c Release -- demo   (--help for the commands)
return await SampleApp.RunAsync(args, Console.Out, Console.Error);
