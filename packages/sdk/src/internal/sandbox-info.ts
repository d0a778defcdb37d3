import { z } from 'zod';
import type { SandboxInfo } from '../results.js';

// Wire JSON of one DescribeContainerGroups entry: only what we read, the rest passes through.
const containerGroupSchema = z
  .object({
    ContainerGroupId: z.string(),
    ContainerGroupName: z.string().optional(),
    Status: z.string().optional(),
    Cpu: z.number().optional(),
    Memory: z.number().optional(),
    RegionId: z.string().optional(),
    ZoneId: z.string().optional(),
    IntranetIp: z.string().optional(),
    InternetIp: z.string().optional(),
    CreationTime: z.string().optional(),
    Containers: z.array(z.object({ Name: z.string() }).passthrough()).optional(),
    Tags: z.array(z.object({ Key: z.string(), Value: z.string().optional() }).passthrough()).optional(),
  })
  .passthrough();

/** Reads one container group of a DescribeContainerGroups answer. */
export function toSandboxInfo(raw: unknown): SandboxInfo {
  const group = containerGroupSchema.parse(raw);
  const tags: Record<string, string> = {};
  for (const tag of group.Tags ?? []) tags[tag.Key] = tag.Value ?? '';
  return {
    sandboxId: group.ContainerGroupId,
    name: group.ContainerGroupName ?? '',
    status: group.Status ?? '',
    ...(group.Cpu === undefined ? {} : { cpu: group.Cpu }),
    ...(group.Memory === undefined ? {} : { memory: group.Memory }),
    regionId: group.RegionId ?? '',
    zoneId: group.ZoneId ?? '',
    intranetIp: group.IntranetIp ?? '',
    internetIp: group.InternetIp ?? '',
    creationTime: group.CreationTime ?? '',
    containerNames: (group.Containers ?? []).map((container) => container.Name),
    tags,
    raw: group as Record<string, unknown>,
  };
}
