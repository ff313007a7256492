namespace Connectomics.Lora.Adapters;

/// <summary>The default values of <see cref="LoraOptions"/> (those of PEFT's <c>LoraConfig</c>, and the BERT-family
/// target modules, since PEFT has no default targets for ESM models).</summary>
internal static class LoraDefaults
{
    /// <summary>The rank r.</summary>
    public const int Rank = 8;

    /// <summary>The scaling numerator alpha.</summary>
    public const double Alpha = 8;

    /// <summary>The dropout probability on the adapter input.</summary>
    public const double Dropout = 0;

    /// <summary>The task type written to <c>adapter_config.json</c>.</summary>
    public const string TaskType = "FEATURE_EXTRACTION";

    /// <summary>Gets the default target modules: the query and value projections of every attention layer.</summary>
    public static IList<string> TargetModules() => ["query", "value"];
}
