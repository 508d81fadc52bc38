/**
 * One written form per address, so that the same address read from two services compares equal:
 * Route 53 returns a health check's IPv6 `IPAddress` uncompressed (`2600:1f18:0:0:0:0:0:1`),
 * EC2 and HAProxy in the compressed lower-case form (`2600:1f18::1`, RFC 5952). IPv4 is left as it is.
 */
export function canonicalIp(ip: string): string {
  if (!ip.includes(':')) return ip;
  try {
    // The WHATWG URL parser writes an IPv6 host in the RFC 5952 form.
    return new URL(`http://[${ip}]/`).hostname.slice(1, -1);
  } catch {
    return ip;
  }
}
