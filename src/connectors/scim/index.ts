export { createScimConnector, ScimConnector, type ScimConnectorOptions } from './scim-connector.js';
export { dnOf, parseScimDn, RESOURCE_TYPES, ENTERPRISE_USER } from './scim-schema.js';
