using System.Text;
using ClinicMail.Core.Registry;
using ClinicMail.Infrastructure.Registry;

namespace ClinicMail.Infrastructure.Tests.Registry;

/// <summary>An EMR export of generated patients, as the importer reads it: UTF-8, one row per
/// address (<see cref="RegistryCsv.Format"/>, docs/registry-import.md).</summary>
internal static class EmrExport
{
    public static MemoryStream Of(IReadOnlyList<Patient> patients) => new(Encoding.UTF8.GetBytes(RegistryCsv.Format(patients)));
}
