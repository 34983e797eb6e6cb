using System.Net;
using System.Net.Sockets;

namespace TtsService.Voices;

/// <summary>
/// Which IP addresses a prompt URL may reach when <c>zipvoice_allow_private_urls</c> is off: public
/// unicast only. Refused: unspecified, loopback, private (RFC 1918, IPv6 ULA), link-local (incl. the
/// 169.254.169.254 cloud metadata service), CGNAT 100.64/10 (incl. Alibaba's 100.100.100.200), benchmarking,
/// documentation, reserved, broadcast and multicast ranges; IPv6 forms that embed an IPv4 address
/// (mapped, compatible, NAT64, 6to4) are judged by the embedded address, and Teredo is refused outright.
/// </summary>
public static class AddressPolicy
{
    private static readonly (IPAddress Network, int Prefix)[] ForbiddenV4 =
    [
        (IPAddress.Parse("0.0.0.0"), 8),        // "this network", unspecified (0.0.0.0 reaches localhost on Linux)
        (IPAddress.Parse("10.0.0.0"), 8),       // private
        (IPAddress.Parse("100.64.0.0"), 10),    // CGNAT (also Alibaba Cloud metadata 100.100.100.200)
        (IPAddress.Parse("127.0.0.0"), 8),      // loopback
        (IPAddress.Parse("169.254.0.0"), 16),   // link-local, cloud metadata 169.254.169.254
        (IPAddress.Parse("172.16.0.0"), 12),    // private
        (IPAddress.Parse("192.0.0.0"), 24),     // IETF protocol assignments (incl. 192.0.0.192 Oracle metadata)
        (IPAddress.Parse("192.0.2.0"), 24),     // documentation
        (IPAddress.Parse("192.88.99.0"), 24),   // 6to4 relay anycast
        (IPAddress.Parse("192.168.0.0"), 16),   // private
        (IPAddress.Parse("198.18.0.0"), 15),    // benchmarking
        (IPAddress.Parse("198.51.100.0"), 24),  // documentation
        (IPAddress.Parse("203.0.113.0"), 24),   // documentation
        (IPAddress.Parse("224.0.0.0"), 4),      // multicast
        (IPAddress.Parse("240.0.0.0"), 4),      // reserved and broadcast
    ];

    private static readonly (IPAddress Network, int Prefix)[] ForbiddenV6 =
    [
        (IPAddress.Parse("::"), 128),           // unspecified
        (IPAddress.Parse("::1"), 128),          // loopback
        (IPAddress.Parse("100::"), 64),         // discard
        (IPAddress.Parse("2001::"), 32),        // Teredo (tunnels to arbitrary IPv4)
        (IPAddress.Parse("2001:db8::"), 32),    // documentation
        (IPAddress.Parse("fc00::"), 7),         // unique local (incl. AWS metadata fd00:ec2::254)
        (IPAddress.Parse("fe80::"), 10),        // link-local
        (IPAddress.Parse("fec0::"), 10),        // site-local (deprecated)
        (IPAddress.Parse("ff00::"), 8),         // multicast
    ];

    /// <summary>True when <paramref name="address"/> is a public unicast address.</summary>
    public static bool IsPublic(IPAddress address)
    {
        if (address.AddressFamily == AddressFamily.InterNetwork) return !InAny(address, ForbiddenV4);
        if (address.AddressFamily != AddressFamily.InterNetworkV6) return false;
        if (EmbeddedIPv4(address) is { } v4) return IsPublic(v4);
        return !InAny(address, ForbiddenV6);
    }

    /// <summary>The IPv4 address an IPv6 address stands for: mapped (::ffff:a.b.c.d), compatible (::a.b.c.d), NAT64 (64:ff9b::/96), 6to4 (2002::/16).</summary>
    private static IPAddress? EmbeddedIPv4(IPAddress v6)
    {
        if (v6.IsIPv4MappedToIPv6) return v6.MapToIPv4();
        var b = v6.GetAddressBytes();
        if (b.AsSpan(0, 12).IndexOfAnyExcept((byte)0) < 0 && !(b[12] == 0 && b[13] == 0 && b[14] == 0 && b[15] <= 1))
            return new IPAddress(b.AsSpan(12, 4)); // IPv4-compatible (deprecated), but ::/::1 stay IPv6
        if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b && b.AsSpan(4, 8).IndexOfAnyExcept((byte)0) < 0)
            return new IPAddress(b.AsSpan(12, 4));
        if (b[0] == 0x20 && b[1] == 0x02)
            return new IPAddress(b.AsSpan(2, 4));
        return null;
    }

    private static bool InAny(IPAddress address, (IPAddress Network, int Prefix)[] ranges)
    {
        var bytes = address.GetAddressBytes();
        foreach (var (network, prefix) in ranges)
            if (InRange(bytes, network.GetAddressBytes(), prefix)) return true;
        return false;
    }

    private static bool InRange(byte[] address, byte[] network, int prefix)
    {
        if (address.Length != network.Length) return false;
        var whole = prefix / 8;
        if (!address.AsSpan(0, whole).SequenceEqual(network.AsSpan(0, whole))) return false;
        var rest = prefix % 8;
        if (rest == 0) return true;
        var mask = (byte)(0xFF << (8 - rest));
        return (address[whole] & mask) == (network[whole] & mask);
    }
}
