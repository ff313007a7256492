using Microsoft.Extensions.Options;

namespace Connectomics.OptionsValidation;

/// <summary>Runs a source-generated validator and prefixes each failure with the options type and name, so that a
/// host that fails to start says which registration is wrong.</summary>
/// <typeparam name="TOptions">The options type.</typeparam>
/// <typeparam name="TValidator">The generated validator.</typeparam>
internal sealed class NamedOptionsValidator<TOptions, TValidator> : IValidateOptions<TOptions>
    where TOptions : class
    where TValidator : IValidateOptions<TOptions>, new()
{
    private readonly TValidator _validator = new();

    public ValidateOptionsResult Validate(string? name, TOptions options)
    {
        var result = _validator.Validate(name, options);
        if (!result.Failed)
        {
            return result;
        }

        var subject = string.IsNullOrEmpty(name) ? typeof(TOptions).Name : $"{typeof(TOptions).Name} '{name}'";
        return ValidateOptionsResult.Fail((result.Failures ?? [result.FailureMessage]).Select(failure => $"{subject}: {failure}"));
    }
}
