using System.Net;
using TtsService.Voices;

namespace TtsService.Tests.Voices;

/// <summary>The SSRF address check as a pure function: no address here is ever connected to.</summary>
public sealed class AddressPolicyTests
{
    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.255.255.254")]
    [InlineData("0.0.0.0")]
    [InlineData("10.0.0.1")]
    [InlineData("172.16.0.1")]
    [InlineData("172.31.255.255")]
    [InlineData("192.168.1.1")]
    [InlineData("169.254.169.254")]  // AWS/GCP/Azure metadata
    [InlineData("169.254.0.1")]
    [InlineData("100.64.0.1")]       // CGNAT
    [InlineData("100.100.100.200")]  // Alibaba metadata (CGNAT range)
    [InlineData("192.0.0.192")]      // Oracle metadata
    [InlineData("224.0.0.1")]        // multicast
    [InlineData("239.255.255.250")]
    [InlineData("255.255.255.255")]
    [InlineData("198.18.0.1")]
    [InlineData("::")]
    [InlineData("::1")]
    [InlineData("fe80::1")]
    [InlineData("fc00::1")]
    [InlineData("fd00:ec2::254")]    // AWS IPv6 metadata
    [InlineData("ff02::1")]
    [InlineData("::ffff:127.0.0.1")] // IPv4-mapped loopback
    [InlineData("::ffff:10.0.0.1")]
    [InlineData("::ffff:169.254.169.254")]
    [InlineData("::127.0.0.1")]      // IPv4-compatible
    [InlineData("64:ff9b::a00:1")]   // NAT64 of 10.0.0.1
    [InlineData("2002:7f00:1::")]    // 6to4 of 127.0.0.1
    [InlineData("2001:0:4136:e378:8000:63bf:3fff:fdd2")] // Teredo
    [InlineData("2001:db8::1")]
    public void Non_public_addresses_are_refused(string address) =>
        Assert.False(AddressPolicy.IsPublic(IPAddress.Parse(address)));

    [Theory]
    [InlineData("8.8.8.8")]
    [InlineData("1.1.1.1")]
    [InlineData("93.184.215.14")]
    [InlineData("172.32.0.1")]       // just outside 172.16/12
    [InlineData("100.128.0.1")]      // just outside 100.64/10
    [InlineData("2606:4700:4700::1111")]
    [InlineData("::ffff:8.8.8.8")]
    [InlineData("64:ff9b::808:808")] // NAT64 of 8.8.8.8
    public void Public_addresses_are_allowed(string address) =>
        Assert.True(AddressPolicy.IsPublic(IPAddress.Parse(address)));
}
