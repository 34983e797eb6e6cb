using System.Diagnostics;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace TtsService.Tests.Deploy;

/// <summary>
/// The GPU image's CUDA base must be the CUDA major that the pinned ONNX Runtime GPU package's CUDA provider links
/// against; otherwise the provider cannot load and the service silently serves on CPU (issue 19: 1.31 needs CUDA 13,
/// the image was on 12.8). Reads the provider's NEEDED entries (readelf) and every nvidia/cuda tag the deployment
/// files name.
/// </summary>
public sealed partial class CudaBaseImageTests
{
    /// <summary>Files that name the GPU base image, relative to the repository root.</summary>
    private static readonly string[] DeploymentFiles =
        ["Dockerfile", "docker-compose.yml", "README.md", "deploy/kubernetes/overlays/gpu/kustomization.yaml", "deploy/kubernetes/overlays/gpu/deployment-gpu.yaml"];

    [Fact]
    public void Every_CUDA_base_image_named_in_the_deployment_files_matches_the_CUDA_major_the_provider_links()
    {
        var root = ContainerImages.FindRepositoryRoot();
        var needed = NeededLibraries(RestoredCudaProvider(root));
        var major = CudaMajor(needed);
        var texts = DeploymentFiles.Where(f => File.Exists(Path.Combine(root, f))).ToDictionary(f => f, f => File.ReadAllText(Path.Combine(root, f)));
        Assert.Matches(CudaTag(), texts["Dockerfile"]); // the Dockerfile names one at all
        Assert.Empty(Mismatches(texts, major));
        // cuDNN is loaded at run time (not a NEEDED entry): the tag must be a cudnn one.
        Assert.All(texts.Values.SelectMany(t => CudaTag().Matches(t)), m => Assert.Contains("cudnn", m.Value));
    }

    [Fact]
    public void The_check_fails_on_the_CUDA_12_base_the_GPU_image_had_before()
    {
        var root = ContainerImages.FindRepositoryRoot();
        var major = CudaMajor(NeededLibraries(RestoredCudaProvider(root)));
        // The Dockerfile's GPU instructions and compose's tts-gpu build argument as they were before issue 19.
        var before = new Dictionary<string, string>
        {
            ["Dockerfile"] = "#               --build-arg RUNTIME_BASE=nvidia/cuda:12.8.1-cudnn-runtime-ubuntu24.04 .",
            ["docker-compose.yml"] = "        RUNTIME_BASE: nvidia/cuda:12.8.1-cudnn-runtime-ubuntu24.04",
        };
        var mismatches = Mismatches(before, major);
        Assert.Equal(2, mismatches.Count);
        Assert.All(mismatches, m => Assert.Contains($"CUDA 12, but the provider needs CUDA {major}", m));
    }

    [Fact]
    public void The_CUDA_major_is_read_from_the_runtime_and_cuBLAS_entries()
    {
        Assert.Equal(13, CudaMajor(["libcublasLt.so.13", "libcublas.so.13", "libcurand.so.10", "libcudart.so.13", "libc.so.6"]));
        Assert.Equal(12, CudaMajor(["libcublasLt.so.12", "libcublas.so.12", "libcudart.so.12"]));
        Assert.Throws<Xunit.Sdk.TrueException>(() => CudaMajor(["libcudart.so.12", "libcublas.so.13"]));
    }

    private static List<string> Mismatches(IReadOnlyDictionary<string, string> texts, int major) =>
        texts.SelectMany(file => CudaTag().Matches(file.Value)
                .Where(m => int.Parse(m.Groups["major"].Value) != major)
                .Select(m => $"{file.Key} names {m.Value}: CUDA {m.Groups["major"].Value}, but the provider needs CUDA {major}"))
            .ToList();

    /// <summary>The CUDA major of libcudart and libcublas(Lt) among <paramref name="needed"/>; they must agree.</summary>
    internal static int CudaMajor(IEnumerable<string> needed)
    {
        var majors = needed.Select(n => CudaLibrary().Match(n)).Where(m => m.Success).Select(m => int.Parse(m.Groups["major"].Value)).Distinct().ToList();
        Assert.True(majors.Count == 1, $"expected one CUDA major among libcudart/libcublas, found [{string.Join(", ", majors)}] in {string.Join(", ", needed)}");
        return majors[0];
    }

    private static List<string> NeededLibraries(string library)
    {
        var start = new ProcessStartInfo("readelf", ["-d", library]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var readelf = Process.Start(start) ?? throw new InvalidOperationException("readelf did not start");
        var text = readelf.StandardOutput.ReadToEnd();
        readelf.WaitForExit();
        Assert.True(readelf.ExitCode == 0, $"readelf -d {library}: {readelf.StandardError.ReadToEnd()}");
        return NeededEntry().Matches(text).Select(m => m.Groups[1].Value).ToList();
    }

    /// <summary>
    /// libonnxruntime_providers_cuda.so of the GPU package version pinned in Directory.Packages.props, from the NuGet
    /// cache; restored there through a throwaway project when absent (the package is large, so only once per machine).
    /// </summary>
    private static string RestoredCudaProvider(string root)
    {
        var version = XDocument.Load(Path.Combine(root, "Directory.Packages.props")).Descendants("PackageVersion")
            .Single(p => (string?)p.Attribute("Include") == "Microsoft.ML.OnnxRuntime.Gpu").Attribute("Version")!.Value;
        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var provider = Path.Combine(packages, "microsoft.ml.onnxruntime.gpu.linux", version, "runtimes", "linux-x64", "native", "libonnxruntime_providers_cuda.so");
        if (File.Exists(provider)) return provider;

        var project = Directory.CreateTempSubdirectory("tts-gpu-restore").FullName;
        try
        {
            File.WriteAllText(Path.Combine(project, "GpuRestore.csproj"),
                $"""
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup><TargetFramework>net10.0</TargetFramework></PropertyGroup>
                  <ItemGroup><PackageReference Include="Microsoft.ML.OnnxRuntime.Gpu.Linux" Version="{version}" /></ItemGroup>
                </Project>
                """);
            var start = new ProcessStartInfo("dotnet", ["restore", project]) { RedirectStandardOutput = true, RedirectStandardError = true };
            using var restore = Process.Start(start)!;
            var log = restore.StandardOutput.ReadToEnd() + restore.StandardError.ReadToEnd();
            restore.WaitForExit();
            Assert.True(restore.ExitCode == 0 && File.Exists(provider), $"restoring Microsoft.ML.OnnxRuntime.Gpu.Linux {version} did not give {provider}:\n{log}");
            return provider;
        }
        finally { Directory.Delete(project, recursive: true); }
    }

    [GeneratedRegex(@"\(NEEDED\)\s+Shared library: \[([^\]]+)\]")]
    private static partial Regex NeededEntry();

    [GeneratedRegex(@"^lib(?:cudart|cublas|cublasLt)\.so\.(?<major>\d+)$")]
    private static partial Regex CudaLibrary();

    [GeneratedRegex(@"nvidia/cuda:(?<major>\d+)\.[\w.-]+")]
    private static partial Regex CudaTag();
}
