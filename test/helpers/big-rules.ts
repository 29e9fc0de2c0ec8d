/**
 * TrafficScript rules that answer with more bytes than the kernel's socket buffers take, so most
 * of the answer stays queued in the proxy while the client does not read.
 * @module
 */

/** Builds `$b`, a string of `mib` MiB, by doubling. */
function bigString(mib: number): string {
  return `
    $b = string.sprintf( "%65536s", "x" );
    while( string.length( $b ) < ${String(mib * 1024 * 1024)} ) { $b = $b . $b; }
  `
}

/** HTTP: a request rule that answers every request itself with `mib` MiB. */
export function bigHttpAnswer(mib: number): string {
  return `${bigString(mib)} http.sendResponse( "200 OK", "text/plain", $b );`
}

/** TCP: a request rule that sends `mib` MiB to the client and closes the connection. */
export function bigStreamClose(mib: number): string {
  return `${bigString(mib)} connection.close( $b );`
}
