using ClinicMail.Cli;

return await CliApp.RunAsync(args, CliIo.Console());
