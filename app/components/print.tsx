/**
 * Printing without a dead button: links to a printable page carry ?print=1, and the page prints
 * itself once when JavaScript is there (usePrintOnLoad). Its own 打印 control is a link to the same
 * page with ?print=1, so without JavaScript it still goes somewhere (the page is just the labels,
 * and the browser's print prints it) instead of being a button that does nothing.
 */
import { useEffect, type MouseEvent, type ReactNode } from "react";

export function printHref(path: string): string {
  return `${path}${path.includes("?") ? "&" : "?"}print=1`;
}

/** Prints once when the page was opened with ?print=1, then drops the flag (a reload does not print again). */
export function usePrintOnLoad(): void {
  useEffect(() => {
    const url = new URL(window.location.href);
    if (url.searchParams.get("print") !== "1" || typeof window.print !== "function") return;
    url.searchParams.delete("print");
    window.history.replaceState(window.history.state, "", url.pathname + url.search + url.hash);
    window.print();
  }, []);
}

export function PrintLink({ children, className = "button primary" }: { children: ReactNode; className?: string }) {
  const onClick = (e: MouseEvent<HTMLAnchorElement>) => {
    if (typeof window.print !== "function") return;
    e.preventDefault();
    window.print();
  };
  return (
    <a href="?print=1" className={className} onClick={onClick}>
      {children}
    </a>
  );
}
