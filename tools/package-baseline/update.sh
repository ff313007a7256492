#!/usr/bin/env bash
# Rewrites the package validation baseline, eng/package-baseline/: packs every library under src/ as it is now, at the
# baseline version that Directory.Build.props names (ConnectomicsPackageBaselineVersion), without comparing it with
# the old baseline. Run it after a deliberate breaking change (or when a release becomes the new baseline), then
# commit eng/package-baseline/ together with the change.
set -euo pipefail
cd "$(dirname "$0")/../.."

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
version=$(sed -n 's:.*<ConnectomicsPackageBaselineVersion>\(.*\)</ConnectomicsPackageBaselineVersion>.*:\1:p' Directory.Build.props)
if [[ -z "$version" ]]; then
  echo "Directory.Build.props names no ConnectomicsPackageBaselineVersion." >&2
  exit 1
fi

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

for project in src/*/*.csproj; do
  # Only the package itself (managed assembly, XML docs, readme): no symbol package.
  dotnet pack "$project" -c Release -o "$out" -p:PackageVersion="$version" -p:IncludeSymbols=false \
    -p:DisablePackageBaselineValidation=true -p:ContinuousIntegrationBuild=true
done

mkdir -p eng/package-baseline
rm -f eng/package-baseline/*.nupkg
cp "$out"/*.nupkg eng/package-baseline/
ls -l eng/package-baseline/
