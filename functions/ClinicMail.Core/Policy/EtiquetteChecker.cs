using ClinicMail.Core.Drafts;
using ClinicMail.Core.Text;

namespace ClinicMail.Core.Policy;

/// <summary>Form warnings from « La gestion et la rédaction des courriels ». Never blocks.</summary>
public sealed class EtiquetteChecker
{
    public static EtiquetteChecker Default { get; } = new();

    public IReadOnlyList<EtiquetteWarning> Check(Draft draft, CheckedText text, IReadOnlyCollection<string> internalDomains) =>
        throw new NotImplementedException("etiquette: in progress");
}
