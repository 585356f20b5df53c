"use client";
import { type ComponentProps, useEffect } from "react";
import { Toaster as SonnerToaster } from "sonner";
import { markToasterMounted } from "./toast";

/**
 * sonner's Toaster, loaded after the page (src/components/providers.tsx). Its own effect (a
 * child's) subscribes before this one runs, so toasts released here are never missed.
 */
export default function Toaster(props: ComponentProps<typeof SonnerToaster>) {
  useEffect(() => markToasterMounted(), []);
  return <SonnerToaster {...props} />;
}
