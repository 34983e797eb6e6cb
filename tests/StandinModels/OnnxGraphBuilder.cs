using Google.Protobuf;
using Onnx;

namespace StandinModels;

/// <summary>
/// Writes small ONNX graphs (opset 13) with the exact input/output names, dtypes and ranks of the
/// real exports, so tests run the service's real loading and inference code on models whose output
/// is known in closed form. Dimensions are ints (fixed) or strings (symbolic, e.g. "T").
/// </summary>
public sealed class OnnxGraphBuilder
{
    public const int Opset = 13;

    private readonly GraphProto _graph = new() { Name = "standin" };
    private readonly ModelProto _model = new() { IrVersion = 7, ProducerName = "TtsService.StandinModels" };
    private int _next;

    public OnnxGraphBuilder() => _model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });

    public OnnxGraphBuilder Input(string name, TensorProto.Types.DataType type, params object[] dims)
    {
        _graph.Input.Add(ValueInfo(name, type, dims));
        return this;
    }

    public OnnxGraphBuilder Output(string name, TensorProto.Types.DataType type, params object[] dims)
    {
        _graph.Output.Add(ValueInfo(name, type, dims));
        return this;
    }

    public OnnxGraphBuilder Metadata(string key, string value)
    {
        _model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        return this;
    }

    /// <summary>Adds a node; returns the name of its (first) output, fresh unless <paramref name="output"/> is given.</summary>
    public string Node(string op, string[] inputs, string? output = null, params (string Name, object Value)[] attributes)
    {
        output ??= $"{op.ToLowerInvariant()}_{_next++}";
        var node = new NodeProto { OpType = op, Name = $"n{_next++}_{op}" };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        foreach (var (name, value) in attributes) node.Attribute.Add(Attribute(name, value));
        _graph.Node.Add(node);
        return output;
    }

    /// <summary>Shorthand for a node with one output.</summary>
    public string Op(string op, params string[] inputs) => Node(op, inputs);

    public string Const(float value) => Const([value], []);
    public string ConstInt(long value) => ConstInt([value], []);

    public string Const(float[] values, long[] dims)
    {
        var name = $"const_{_next++}";
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        tensor.Dims.AddRange(dims);
        tensor.FloatData.AddRange(values);
        _graph.Initializer.Add(tensor);
        return name;
    }

    public string ConstInt(long[] values, long[] dims)
    {
        var name = $"const_{_next++}";
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Int64 };
        tensor.Dims.AddRange(dims);
        tensor.Int64Data.AddRange(values);
        _graph.Initializer.Add(tensor);
        return name;
    }

    /// <summary>Casts to float (1) / int64 (7).</summary>
    public string Cast(string input, TensorProto.Types.DataType to) => Node("Cast", [input], null, ("to", (long)to));

    /// <summary>A [1] int64 tensor holding dimension <paramref name="axis"/> of <paramref name="input"/>.</summary>
    public string Dim(string input, int axis) =>
        Node("Gather", [Op("Shape", input), ConstInt([axis], [1])], null, ("axis", 0L));

    public void Save(string path)
    {
        _model.Graph = _graph;
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllBytes(path, _model.ToByteArray());
    }

    private static ValueInfoProto ValueInfo(string name, TensorProto.Types.DataType type, object[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var d in dims)
            shape.Dim.Add(d is string symbol ? new TensorShapeProto.Types.Dimension { DimParam = symbol }
                                             : new TensorShapeProto.Types.Dimension { DimValue = Convert.ToInt64(d) });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } },
        };
    }

    private static AttributeProto Attribute(string name, object value) => value switch
    {
        long l => new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = l },
        int i => new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = i },
        float f => new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = f },
        long[] ls => Ints(name, ls),
        string s => new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(s) },
        _ => throw new ArgumentException($"Unsupported attribute type {value.GetType()}"),
    };

    private static AttributeProto Ints(string name, long[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.AddRange(values);
        return a;
    }
}
