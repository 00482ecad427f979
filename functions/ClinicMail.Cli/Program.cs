using ClinicMail.Cli;
using ClinicMail.Cli.Hosting;

return await CliApp.RunAsync(args, CliIo.Console());
