namespace ClinicMail.Cli;

/// <summary>CLI error messages, French first then English, on one line each.</summary>
internal static class Messages
{
    public static string FileNotFound(string path) =>
        $"clinicmail: fichier introuvable / file not found: {path}";

    public const string RegistryUnavailable =
        "clinicmail: le répertoire des patients est illisible; rien n'a été décidé. / the patient registry could not be read; nothing was decided.";

    public static string DatabaseNotFound(string path) =>
        $"clinicmail: base de données introuvable / database not found: {path} (créez-la avec / create it with: clinicmail demo-seed --db {path})";
}
