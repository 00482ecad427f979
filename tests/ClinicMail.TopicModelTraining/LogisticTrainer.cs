using ClinicMail.Core.Topics;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;

namespace ClinicMail.TopicModelTraining;

/// <summary>A linear model for one category: weight per bucket and bias; the probability is the logistic of the sum.</summary>
internal sealed record LinearModel(float[] Weights, float Bias)
{
    public float Probability(int[] buckets) => TopicModel.Probability(Evidence(buckets) + Bias);

    /// <summary>The sum of the weights of the buckets present, without the bias: what the message's own words say.</summary>
    public float Evidence(int[] buckets)
    {
        var sum = 0f;
        foreach (var b in buckets)
        {
            sum += Weights[b];
        }

        return sum;
    }
}

/// <summary>Trains one binary logistic regression (ML.NET's L-BFGS trainer, L1 + L2 regularised, one thread, seed 1:
/// the same data gives the same weights) over the sparse binary feature vectors of the examples.</summary>
internal static class LogisticTrainer
{
    /// <summary>Regularisation: L1 keeps the weights few (and the exported file small), L2 keeps them moderate.</summary>
    /// <summary>Chosen by comparing the cross-validation tables (docs/detection.md, "Round 7"); <c>--l1 X --l2 Y</c> tries others.</summary>
    public static float L1 { get; set; } = 0.1f;

    public static float L2 { get; set; } = 0.5f;

    public static string Description =>
        $"Microsoft.ML 6.0.0 LbfgsLogisticRegression, L1 {L1}, L2 {L2}, one thread, MLContext seed 1, binary features";

    public static LinearModel Train(IReadOnlyList<Example> examples, int category)
    {
        var ml = new MLContext(seed: 1);
        var schema = SchemaDefinition.Create(typeof(Row));
        schema[nameof(Row.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, TopicFeatures.Buckets);
        var rows = examples.Select(e => new Row
        {
            Label = e.Labels[category],
            Features = new VBuffer<float>(TopicFeatures.Buckets, e.Buckets.Length, [.. e.Buckets.Select(_ => 1f)], e.Buckets),
        });
        var data = ml.Data.LoadFromEnumerable(rows, schema);
        var trainer = ml.BinaryClassification.Trainers.LbfgsLogisticRegression(new LbfgsLogisticRegressionBinaryTrainer.Options
        {
            LabelColumnName = nameof(Row.Label),
            FeatureColumnName = nameof(Row.Features),
            L1Regularization = L1,
            L2Regularization = L2,
            NumberOfThreads = 1,
        });
        var fitted = trainer.Fit(data);
        var linear = fitted.Model.SubModel;
        var weights = new float[TopicFeatures.Buckets];
        var dense = linear.Weights;
        for (var b = 0; b < weights.Length; b++)
        {
            weights[b] = dense[b];
        }

        var model = new LinearModel(weights, linear.Bias);
        CheckAgainstMlNet(fitted.Transform(data), examples, model);
        return model;
    }

    /// <summary>Our dot product must give ML.NET's own probabilities (the Core inference is the same sum).</summary>
    private static void CheckAgainstMlNet(IDataView scored, IReadOnlyList<Example> examples, LinearModel model)
    {
        var probabilities = scored.GetColumn<float>("Probability").ToArray();
        for (var i = 0; i < examples.Count; i++)
        {
            var ours = model.Probability(examples[i].Buckets);
            if (Math.Abs(ours - probabilities[i]) > 1e-4)
            {
                throw new InvalidOperationException($"Probability of {examples[i].Id}: ours {ours}, ML.NET {probabilities[i]}.");
            }
        }
    }

    private sealed class Row
    {
        public bool Label { get; set; }

        public VBuffer<float> Features { get; set; }
    }
}
