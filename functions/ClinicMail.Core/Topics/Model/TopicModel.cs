using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace ClinicMail.Core.Topics;

/// <summary>The topic model: one logistic regression per sensitive category over <see cref="TopicFeatures"/>, trained
/// by tests/ClinicMail.TopicModelTraining and read from Topics/Data/topic-model.txt (an embedded resource). Inference is
/// a sum of the weights of the buckets present plus a bias, through the logistic function. Immutable once loaded.</summary>
/// <remarks>
/// The file: lines starting with <c>#</c> are comments (how the model was trained); then <c>format 1</c>,
/// <c>features N</c> (<see cref="TopicFeatures.Version"/>), <c>buckets N</c>, one <c>train PATH SHA256</c> per
/// training file, one <c>category ID bias B add T drop T</c> per category (a threshold of <c>off</c> disables that
/// use), and one <c>w BUCKET W0 … W6</c> per bucket with any non-zero weight, in <see cref="Categories"/> order.
/// </remarks>
internal sealed class TopicModel
{
    public const string ResourceName = "topic-model.txt";

    /// <summary>The categories the model scores, in the file's weight order.</summary>
    public static readonly TopicCategory[] Categories =
    [
        TopicCategory.MentalHealth, TopicCategory.Oncology, TopicCategory.SubstanceUse, TopicCategory.SexualHealth,
        TopicCategory.NewDiagnosis, TopicCategory.NewTreatment, TopicCategory.Emotional,
    ];

    /// <summary>Weights per row: the categories, padded to eight so a row is one 32-byte read.</summary>
    public const int Stride = 8;

    /// <summary>Bit b set when bucket b has a non-zero weight in some category (32 KB: most features of a message stop here).</summary>
    private readonly ulong[] _nonZero = new ulong[TopicFeatures.Buckets / 64];

    /// <summary>Rows before each 64-bucket word of <see cref="_nonZero"/>: a bucket's row is this plus the bits set below
    /// it in its word (rows are stored in bucket order). 16 KB instead of a 1 MB bucket-to-row table, so that a scored
    /// feature stays in the L1/L2 caches.</summary>
    private readonly int[] _rowsBefore = new int[(TopicFeatures.Buckets / 64) + 1];

    private float[] _weights = [];

    private TopicModel()
    {
    }

    public float[] Bias { get; } = new float[Categories.Length];

    /// <summary>Probability at or above which the model adds the category the rules missed (above 1: never).</summary>
    public float[] AddAt { get; } = new float[Categories.Length];

    /// <summary>Probability at or below which the model drops the rules' finding (below 0: never).</summary>
    public float[] DropAt { get; } = new float[Categories.Length];

    /// <summary>The training files and their SHA-256 (hex, lower case) as recorded when the model was trained.</summary>
    public IReadOnlyList<(string Path, string Sha256)> TrainingFiles { get; private set; } = [];

    public int Rows { get; private set; }

    /// <summary>Whether bucket <paramref name="bucket"/> has a weight.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Has(int bucket) => (Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_nonZero), bucket >> 6) & (1UL << bucket)) != 0;

    /// <summary>The weight of <paramref name="bucket"/> for category index <paramref name="c"/> (zero when absent).</summary>
    public float Weight(int bucket, int c) => Has(bucket) ? _weights[(RowOf(bucket) * Stride) + c] : 0f;

    /// <summary>The weights of <paramref name="bucket"/> (which <see cref="Has"/>), eight lanes (the last one zero).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<float> Row(int bucket) =>
        Vector256.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(_weights), (nuint)(uint)(RowOf(bucket) * Stride));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int RowOf(int bucket)
    {
        var word = bucket >> 6;
        var below = Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_nonZero), word) & ((1UL << bucket) - 1);
        return Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_rowsBefore), word) + BitOperations.PopCount(below);
    }

    public static float Probability(float score) => 1f / (1f + MathF.Exp(-score));

    /// <summary>The model embedded in Core, or null when the assembly carries none (the detector then runs rules alone).</summary>
    public static TopicModel? LoadEmbedded()
    {
        var assembly = typeof(TopicModel).Assembly;
        var name = assembly.GetManifestResourceNames().SingleOrDefault(n => n.EndsWith(ResourceName, StringComparison.Ordinal));
        if (name is null)
        {
            return null;
        }

        using var stream = assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException("Embedded topic model resource missing.");
        using var reader = new StreamReader(stream);
        return Parse(reader);
    }

    /// <summary>Reads a model file. Throws <see cref="FormatException"/> on any line it does not understand, on
    /// features or a bucket count other than this build's, or on a category missing.</summary>
    public static TopicModel Parse(TextReader reader)
    {
        var model = new TopicModel();
        var rows = new List<float>();
        var files = new List<(string, string)>();
        var seen = new bool[Categories.Length];
        var lineNumber = 0;
        var lastBucket = -1;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            switch (parts[0])
            {
                case "format":
                    Expect(parts, 2, lineNumber);
                    Require(parts[1] == "1", lineNumber, "format 1 expected");
                    break;
                case "features":
                    Expect(parts, 2, lineNumber);
                    Require(Int(parts[1], lineNumber) == TopicFeatures.Version, lineNumber,
                        $"trained on features version {parts[1]}, this build computes version {TopicFeatures.Version}");
                    break;
                case "buckets":
                    Expect(parts, 2, lineNumber);
                    Require(Int(parts[1], lineNumber) == TopicFeatures.Buckets, lineNumber, $"bucket count must be {TopicFeatures.Buckets}");
                    break;
                case "train":
                    Expect(parts, 3, lineNumber);
                    files.Add((parts[1], parts[2]));
                    break;
                case "category":
                    Expect(parts, 8, lineNumber);
                    var c = Array.IndexOf(Categories, TopicCategoryIds.Parse(parts[1]) ?? throw Error(lineNumber, "unknown category"));
                    Require(parts[2] == "bias" && parts[4] == "add" && parts[6] == "drop", lineNumber, "category ID bias B add T drop T expected");
                    model.Bias[c] = Float(parts[3], lineNumber);
                    model.AddAt[c] = parts[5] == "off" ? 2f : Float(parts[5], lineNumber);
                    model.DropAt[c] = parts[7] == "off" ? -1f : Float(parts[7], lineNumber);
                    seen[c] = true;
                    break;
                case "w":
                    Expect(parts, 2 + Categories.Length, lineNumber);
                    var bucket = Int(parts[1], lineNumber);
                    Require(bucket > lastBucket && bucket < TopicFeatures.Buckets, lineNumber, "buckets must ascend, within range");
                    lastBucket = bucket;
                    model._nonZero[bucket >> 6] |= 1UL << bucket;
                    model.Rows++;
                    for (var k = 0; k < Stride; k++)
                    {
                        rows.Add(k < Categories.Length ? Float(parts[2 + k], lineNumber) : 0f);
                    }

                    break;
                default:
                    throw Error(lineNumber, $"unknown line kind '{parts[0]}'");
            }
        }

        Require(seen.All(s => s), lineNumber, "a category line is missing");
        for (var w = 0; w < model._nonZero.Length; w++)
        {
            model._rowsBefore[w + 1] = model._rowsBefore[w] + BitOperations.PopCount(model._nonZero[w]);
        }

        model._weights = [.. rows];
        model.TrainingFiles = files;
        return model;
    }

    private static void Expect(string[] parts, int count, int line) => Require(parts.Length == count, line, $"{count} fields expected");

    private static void Require(bool condition, int line, string what)
    {
        if (!condition)
        {
            throw Error(line, what);
        }
    }

    private static FormatException Error(int line, string what) => new($"Topic model file, line {line}: {what}.");

    private static int Int(string s, int line) =>
        int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : throw Error(line, "integer expected");

    private static float Float(string s, int line) =>
        float.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && float.IsFinite(v) ? v : throw Error(line, "number expected");
}

/// <summary>The snake_case ids of the categories (the JSON contract, the corpus labels, the model file).</summary>
internal static class TopicCategoryIds
{
    public static string Of(TopicCategory category) => category switch
    {
        TopicCategory.MentalHealth => "mental_health",
        TopicCategory.Oncology => "oncology",
        TopicCategory.SubstanceUse => "substance_use",
        TopicCategory.SexualHealth => "sexual_health",
        TopicCategory.NewDiagnosis => "new_diagnosis",
        TopicCategory.NewTreatment => "new_treatment",
        TopicCategory.Emotional => "emotional",
        _ => "patient_declared",
    };

    public static TopicCategory? Parse(string id) =>
        Enum.GetValues<TopicCategory>().Where(c => Of(c) == id).Select(c => (TopicCategory?)c).FirstOrDefault();
}
