using System.Text;

namespace TtsService.Inference.ZipVoice;

/// <summary>
/// Two tiny ONNX graphs (opset 13), encoded here by hand because the service has no ONNX writer:
/// the Euler update <c>y = x + v·dt</c> and an <c>Identity</c> used to place a tensor on the GPU.
/// They let the sampler keep its state on the CUDA device between steps (IOBinding) instead of
/// copying x and v to the host every step.
/// </summary>
internal static class TinyOnnxGraphs
{
    /// <summary>Inputs x, v float [N, F, D], dt float scalar; output y = x + v·dt.</summary>
    public static byte[] EulerStep()
    {
        var mul = Node("Mul", ["v", "dt"], "v_dt");
        var add = Node("Add", ["x", "v_dt"], "y");
        return Model(Graph("euler_step", [mul, add],
            [ValueInfo("x", 3), ValueInfo("v", 3), ValueInfo("dt", 0)],
            [ValueInfo("y", 3)]));
    }

    /// <summary>Input a float [N, F, D]; output b = a (bound to device memory, this uploads a).</summary>
    public static byte[] Upload() =>
        Model(Graph("upload", [Node("Identity", ["a"], "b")], [ValueInfo("a", 3)], [ValueInfo("b", 3)]));

    // ---- protobuf wire format (onnx.proto field numbers) ----

    private static byte[] Model(byte[] graph)
    {
        var opset = new Proto().String(1, "").Varint(2, 13).ToArray();
        return new Proto().Varint(1, 7).String(2, "TtsService").Message(7, graph).Message(8, opset).ToArray();
    }

    private static byte[] Graph(string name, byte[][] nodes, byte[][] inputs, byte[][] outputs)
    {
        var p = new Proto();
        foreach (var n in nodes) p.Message(1, n);
        p.String(2, name);
        foreach (var i in inputs) p.Message(11, i);
        foreach (var o in outputs) p.Message(12, o);
        return p.ToArray();
    }

    private static byte[] Node(string op, string[] inputs, string output)
    {
        var p = new Proto();
        foreach (var i in inputs) p.String(1, i);
        return p.String(2, output).String(3, op + "_" + output).String(4, op).ToArray();
    }

    /// <summary>A float tensor of the given rank with symbolic dimensions.</summary>
    private static byte[] ValueInfo(string name, int rank)
    {
        var shape = new Proto();
        for (var i = 0; i < rank; i++) shape.Message(1, new Proto().String(2, $"{name}_d{i}").ToArray());
        var tensor = new Proto().Varint(1, 1 /* FLOAT */).Message(2, shape.ToArray()).ToArray();
        var type = new Proto().Message(1, tensor).ToArray();
        return new Proto().String(1, name).Message(2, type).ToArray();
    }

    private sealed class Proto
    {
        private readonly MemoryStream _stream = new();

        public Proto Varint(int field, long value)
        {
            WriteVarint((ulong)(field << 3));
            WriteVarint((ulong)value);
            return this;
        }

        public Proto String(int field, string value) => Message(field, Encoding.UTF8.GetBytes(value));

        public Proto Message(int field, byte[] bytes)
        {
            WriteVarint((ulong)((field << 3) | 2));
            WriteVarint((ulong)bytes.Length);
            _stream.Write(bytes);
            return this;
        }

        public byte[] ToArray() => _stream.ToArray();

        private void WriteVarint(ulong value)
        {
            while (value >= 0x80)
            {
                _stream.WriteByte((byte)(value | 0x80));
                value >>= 7;
            }
            _stream.WriteByte((byte)value);
        }
    }
}
