// IP parsing, RFC 5952 formatting and address classes.
#include "extract/ip.hpp"

#include <gtest/gtest.h>

using soc::IpClass;

TEST(Ip, ParsesAndFormatsIpv4) {
  auto a = soc::parse_ipv4("192.168.001.007");
  ASSERT_TRUE(a);
  EXPECT_EQ(soc::format_ipv4(*a), "192.168.1.7");
  EXPECT_FALSE(soc::parse_ipv4("010.0.0.1"));  // octal reading differs
  EXPECT_FALSE(soc::parse_ipv4("1.2.3"));
  EXPECT_FALSE(soc::parse_ipv4("1.2.3.256"));
  EXPECT_FALSE(soc::parse_ipv4("1.2.3.4 "));
}

TEST(Ip, FormatsIpv6Canonically) {
  auto fmt = [](const char* text) {
    auto a = soc::parse_ipv6(text);
    return a ? soc::format_ipv6(*a) : std::string("invalid");
  };
  EXPECT_EQ(fmt("2001:0db8:0000:0000:0000:0000:0000:0001"), "2001:db8::1");
  EXPECT_EQ(fmt("2001:db8:0:0:1:0:0:1"), "2001:db8::1:0:0:1");     // first of equal runs
  EXPECT_EQ(fmt("2001:db8:0:1:1:1:1:1"), "2001:db8:0:1:1:1:1:1");  // no "::" for one group
  EXPECT_EQ(fmt("::"), "::");
  EXPECT_EQ(fmt("::1"), "::1");
  EXPECT_EQ(fmt("1::"), "1::");
  EXPECT_EQ(fmt("::ffff:c000:0201"), "::ffff:192.0.2.1");
  EXPECT_EQ(fmt("FE80::ABCD"), "fe80::abcd");
  EXPECT_EQ(fmt("1:2:3:4:5:6:7::"), "1:2:3:4:5:6:7:0");
  EXPECT_EQ(fmt("1:2:3:4:5:6:7:8:9"), "invalid");
  EXPECT_EQ(fmt("1::2::3"), "invalid");
  EXPECT_EQ(fmt(":1:2"), "invalid");
  EXPECT_EQ(fmt("12345::"), "invalid");
  EXPECT_EQ(fmt("::1.2.3.4:5"), "invalid");
}

TEST(Ip, ClassifiesIpv4) {
  EXPECT_EQ(soc::classify_ip("8.8.8.8"), IpClass::kPublic);
  EXPECT_EQ(soc::classify_ip("185.220.101.34"), IpClass::kPublic);
  EXPECT_EQ(soc::classify_ip("10.1.2.3"), IpClass::kPrivate);
  EXPECT_EQ(soc::classify_ip("172.16.0.1"), IpClass::kPrivate);
  EXPECT_EQ(soc::classify_ip("172.31.255.255"), IpClass::kPrivate);
  EXPECT_EQ(soc::classify_ip("172.32.0.1"), IpClass::kPublic);
  EXPECT_EQ(soc::classify_ip("192.168.1.1"), IpClass::kPrivate);
  EXPECT_EQ(soc::classify_ip("100.64.0.1"), IpClass::kSharedAddress);
  EXPECT_EQ(soc::classify_ip("127.0.0.1"), IpClass::kLoopback);
  EXPECT_EQ(soc::classify_ip("169.254.10.10"), IpClass::kLinkLocal);
  EXPECT_EQ(soc::classify_ip("192.0.2.1"), IpClass::kDocumentation);
  EXPECT_EQ(soc::classify_ip("198.51.100.1"), IpClass::kDocumentation);
  EXPECT_EQ(soc::classify_ip("203.0.113.1"), IpClass::kDocumentation);
  EXPECT_EQ(soc::classify_ip("224.0.0.251"), IpClass::kMulticast);
  EXPECT_EQ(soc::classify_ip("240.0.0.1"), IpClass::kReserved);
  EXPECT_EQ(soc::classify_ip("198.18.0.1"), IpClass::kReserved);
  EXPECT_EQ(soc::classify_ip("0.1.2.3"), IpClass::kReserved);
  EXPECT_EQ(soc::classify_ip("0.0.0.0"), IpClass::kUnspecified);
  EXPECT_EQ(soc::classify_ip("255.255.255.255"), IpClass::kBroadcast);
}

TEST(Ip, ClassifiesIpv6) {
  EXPECT_EQ(soc::classify_ip("2606:4700::1111"), IpClass::kPublic);
  EXPECT_EQ(soc::classify_ip("::1"), IpClass::kLoopback);
  EXPECT_EQ(soc::classify_ip("::"), IpClass::kUnspecified);
  EXPECT_EQ(soc::classify_ip("fe80::1"), IpClass::kLinkLocal);
  EXPECT_EQ(soc::classify_ip("fd12:3456::1"), IpClass::kPrivate);
  EXPECT_EQ(soc::classify_ip("2001:db8::1"), IpClass::kDocumentation);
  EXPECT_EQ(soc::classify_ip("3fff::1"), IpClass::kDocumentation);
  EXPECT_EQ(soc::classify_ip("ff02::1"), IpClass::kMulticast);
  EXPECT_EQ(soc::classify_ip("::ffff:10.0.0.1"), IpClass::kPrivate);
  EXPECT_EQ(soc::classify_ip("::ffff:8.8.8.8"), IpClass::kPublic);
  EXPECT_EQ(soc::classify_ip("64:ff9b::c0a8:101"), IpClass::kPrivate);  // NAT64 of 192.168.1.1
  EXPECT_EQ(soc::classify_ip("100::1"), IpClass::kReserved);
  EXPECT_EQ(soc::classify_ip("4000::1"), IpClass::kReserved);
  EXPECT_EQ(soc::classify_ip("not an ip"), IpClass::kReserved);
}

TEST(Ip, InternalClassesAreTheOnesThatNeverRouteOut) {
  EXPECT_TRUE(soc::is_internal(IpClass::kPrivate));
  EXPECT_TRUE(soc::is_internal(IpClass::kLoopback));
  EXPECT_TRUE(soc::is_internal(IpClass::kLinkLocal));
  EXPECT_TRUE(soc::is_internal(IpClass::kSharedAddress));
  EXPECT_FALSE(soc::is_internal(IpClass::kPublic));
  EXPECT_FALSE(soc::is_internal(IpClass::kDocumentation));
  EXPECT_EQ(soc::to_string(IpClass::kLinkLocal), "link_local");
}
