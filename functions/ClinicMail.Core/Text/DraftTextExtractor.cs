using ClinicMail.Core.Drafts;

namespace ClinicMail.Core.Text;

/// <summary>Turns a draft into the <see cref="CheckedText"/> the detectors read: HTML converted to
/// text (AngleSharp), the physician's new text separated from the quoted history of a reply.</summary>
public static class DraftTextExtractor
{
    public static CheckedText Extract(Draft draft) => throw new NotImplementedException("text extraction: in progress");
}
