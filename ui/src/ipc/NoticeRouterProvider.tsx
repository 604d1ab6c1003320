import { QueryClientProvider, type QueryClient } from "@tanstack/react-query";
import { createContext, useContext, useEffect, useState, type ReactNode } from "react";
import { NoticeRouter } from "./noticeRouter";

const RouterContext = createContext<NoticeRouter | null>(null);

/**
 * The query cache and the notice router that keeps it current: everything the window shows
 * from the engine is read under it.
 */
export function NoticeRouterProvider({
  client,
  children,
}: {
  client: QueryClient;
  children: ReactNode;
}) {
  const [router, setRouter] = useState(() => new NoticeRouter(client));
  if (router.client !== client) setRouter(new NoticeRouter(client));
  useEffect(() => router.listen(), [router]);
  return (
    <QueryClientProvider client={client}>
      <RouterContext value={router}>{children}</RouterContext>
    </QueryClientProvider>
  );
}

/** The router, to follow notices as a stream (after the cache has taken each in). */
export function useNoticeRouter(): NoticeRouter {
  const router = useContext(RouterContext);
  if (!router) throw new Error("useNoticeRouter needs a NoticeRouterProvider above it");
  return router;
}
