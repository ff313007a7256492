using Microsoft.Extensions.Options;

namespace Connectomics.Storage.Lance;

/// <summary>The source-generated validator of <see cref="LanceCleanupOptions"/>: its attributes, then its
/// <see cref="System.ComponentModel.DataAnnotations.IValidatableObject"/> rules.</summary>
[OptionsValidator]
internal sealed partial class LanceCleanupOptionsValidator : IValidateOptions<LanceCleanupOptions>;
