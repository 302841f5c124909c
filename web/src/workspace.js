// The console as a third-party app in the Amazon Connect agent workspace (access URL …/app/console?workspace=1):
// the workspace's SDK tells us when a contact connects, and the contact's attributes name its ticket.
// Loaded by console.js only in that mode (its own bundle, /app/workspace.js).
import { AmazonConnectApp } from "@amazon-connect/app";
import { ContactClient } from "@amazon-connect/contact";
import { popFromAttributes } from "./screenpop.js";

const ATTRIBUTES = ["ticket_id", "ticket_ref", "open_ticket_ref", "caller_name", "property_id"];

export function wireWorkspace(onPop) {
  const { provider } = AmazonConnectApp.init({ onCreate: () => {}, onDestroy: () => {} });
  const contacts = new ContactClient(provider);
  contacts.onConnected(async ({ contactId }) => {
    const attributes = await contacts.getAttributes(contactId, ATTRIBUTES);
    onPop({ ...popFromAttributes(attributes), contactId, phone: "" });
  });
  return contacts;
}
