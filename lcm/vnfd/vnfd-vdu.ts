import type { VduResources } from './vnfd.types.ts';
import { bytesToGiB, bytesToMiB, sizeInBytes, SIZE_UNIT_NAMES } from './tosca-units.ts';
import type { ToscaValue } from './tosca-value.ts';

/** A Vdu.Compute node as read, before policies and connection points add to it. */
export interface VduNode {
  readonly vduId: string;
  readonly node: ToscaValue;
  readonly name: string;
  readonly description: string;
  readonly flavorName?: string;
  readonly resources: VduResources;
  readonly image: string;
  readonly min: number;
  readonly max: number;
}

function size(v: ToscaValue, options: { positive: boolean }): number | undefined {
  if (!v.exists) return v.problem('is required');
  const bytes = sizeInBytes(v.value);
  if (bytes === undefined) return v.problem(`must be a size such as "512 MiB" (units: ${SIZE_UNIT_NAMES}), not ${JSON.stringify(v.value)}`);
  if (options.positive && bytes <= 0) return v.problem('must be more than 0');
  return bytes;
}

/** SOL001 Vdu.Compute virtual_compute: vCPUs, memory in MiB and local storage in GiB, as Nova counts them. */
function readResources(node: ToscaValue): VduResources | undefined {
  const compute = node.dig('capabilities', 'virtual_compute', 'properties');
  if (!compute.required()) return undefined;
  const vcpus = compute.dig('virtual_cpu', 'num_virtual_cpu').integer({ required: true, min: 1 });
  const memory = size(compute.dig('virtual_memory', 'virtual_mem_size'), { positive: true });
  let storage = 0;
  let storageOk = true;
  for (const disk of compute.at('virtual_local_storage').items()) {
    const bytes = size(disk.at('size_of_storage'), { positive: false });
    if (bytes === undefined) storageOk = false;
    else storage += bytes;
  }
  if (vcpus === undefined || memory === undefined || !storageOk) return undefined;
  return { vcpus, ramMb: bytesToMiB(memory), diskGb: bytesToGiB(storage) };
}

/**
 * The Nova flavor name: `requested_additional_capability_name` of any entry of
 * requested_additional_capabilities (Tacker's samples call the entry `properties`).
 */
function readFlavorName(node: ToscaValue): string | undefined {
  const caps = node.dig('capabilities', 'virtual_compute', 'properties', 'requested_additional_capabilities');
  const names = new Map<string, ToscaValue>();
  for (const [, cap] of caps.entries()) {
    const v = cap.at('requested_additional_capability_name');
    const name = v.string({ required: true });
    if (name !== undefined && !names.has(name)) names.set(name, v);
  }
  if (names.size > 1) caps.problem(`names more than one flavor (${[...names.keys()].join(', ')}); a VDU boots with one`);
  return names.size === 1 ? [...names.keys()][0] : undefined;
}

/**
 * The image: `sw_image_data.name` of the VDU, or of the VirtualBlockStorage it boots from
 * (its `virtual_storage` requirement), as Tacker reads it.
 */
function readImage(vduId: string, node: ToscaValue, storageNamed: (name: string) => ToscaValue | undefined): string | undefined {
  const own = node.dig('properties', 'sw_image_data');
  if (own.exists) return own.at('name').string({ required: true });
  for (const req of node.at('requirements').items()) {
    const target = req.at('virtual_storage');
    const storageName = typeof target.value === 'string' ? target.value : undefined;
    if (storageName === undefined) continue;
    const storage = storageNamed(storageName);
    if (!storage) {
      target.problem(`${storageName} is not a VirtualBlockStorage node of this flavour`);
      return undefined;
    }
    const image = storage.dig('properties', 'sw_image_data');
    if (image.exists) return image.at('name').string({ required: true });
  }
  own.problem(`is required: VDU ${vduId} needs an image (sw_image_data.name here or on the storage it boots from)`);
  return undefined;
}

/** SOL001 tosca.nodes.nfv.Vdu.Compute. */
export function readVdu(vduId: string, node: ToscaValue, storageNamed: (name: string) => ToscaValue | undefined): VduNode | undefined {
  const props = node.at('properties');
  if (!props.required()) return undefined;
  const name = props.at('name').string({ required: true });
  const description = props.at('description').string() ?? '';
  const profile = props.at('vdu_profile');
  const min = profile.exists ? profile.at('min_number_of_instances').integer({ required: true, min: 0 }) : profile.problem('is required');
  const max = profile.exists ? profile.at('max_number_of_instances').integer({ required: true, min: 1 }) : undefined;
  if (min !== undefined && max !== undefined && max < min) {
    profile.at('max_number_of_instances').problem(`must be at least min_number_of_instances (${min}), not ${max}`);
  }
  const resources = readResources(node);
  const flavorName = readFlavorName(node);
  const image = readImage(vduId, node, storageNamed);
  if (name === undefined || min === undefined || max === undefined || max < min || !resources || image === undefined) return undefined;
  return { vduId, node, name, description, resources, image, min, max, ...(flavorName === undefined ? {} : { flavorName }) };
}
