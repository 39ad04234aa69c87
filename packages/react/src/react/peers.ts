// The peers' runtime imports of the main entry, in one place: esbuild keeps each module's import
// of an external package as a statement of its own, and each one costs bytes of the size budget.
export {
  QueryClient,
  QueryClientContext,
  QueryClientProvider,
  useQuery,
} from "@tanstack/react-query";
export {
  createContext,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
  useSyncExternalStore,
} from "react";
