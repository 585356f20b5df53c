"use client";
import { useEffect } from "react";

const PREFIX = /^\(\d[\d,]*\) /;

/**
 * "(1,204) <page title>" in the browser tab while `count` is above zero, so a backlog shows from
 * another tab. Whatever sets the page's own title (metadata, navigation) may replace it, so the
 * prefix is re-applied when the <title> changes; it is removed when the page unmounts.
 */
export function useCountInTitle(count: number | undefined): void {
  useEffect(() => {
    if (count === undefined) return;
    const apply = () => {
      const base = document.title.replace(PREFIX, "");
      const next = count > 0 ? `(${count.toLocaleString("en-US")}) ${base}` : base;
      if (document.title !== next) document.title = next;
    };
    apply();
    const observer = new MutationObserver(apply);
    observer.observe(document.head, { childList: true, subtree: true, characterData: true });
    return () => {
      observer.disconnect();
      document.title = document.title.replace(PREFIX, "");
    };
  }, [count]);
}
