// Beside the Amazon Connect CCP: when a contact connects, open the ticket its flow named (the inbound flow
// sets the contact attributes ticket_id / ticket_ref, or open_ticket_ref for a caller's open ticket).
// `connect` is Amazon Connect Streams' global (amazon-connect-streams); on the twin a test stand-in with the
// same contact()/onConnected()/getAttributes() surface drives this very code.

export function loadStreams(src) {
  return new Promise((resolve, reject) => {
    if (window.connect) return resolve(window.connect);
    const tag = document.createElement("script");
    tag.src = src;
    tag.onload = () => resolve(window.connect);
    tag.onerror = () => reject(new Error("could not load Amazon Connect Streams"));
    document.head.append(tag);
  });
}

export function initCCP(connect, container, instanceUrl) {
  connect.core.initCCP(container, {
    ccpUrl: `${instanceUrl}/ccp-v2/`, loginPopup: true, loginPopupAutoClose: true,
    softphone: { allowFramedSoftphone: true }, pageOptions: { enableAudioDeviceSettings: true },
  });
}

export function popFromAttributes(attributes) {
  const value = (key) => {
    const a = (attributes || {})[key];
    return (a && typeof a === "object" ? a.value : a) || "";
  };
  return { ticket: value("ticket_id") || value("ticket_ref") || value("open_ticket_ref"),
    ref: value("ticket_ref") || value("open_ticket_ref"), caller: value("caller_name"), property: value("property_id") };
}

export function wireScreenPop(connect, onPop) {
  connect.contact((contact) => {
    contact.onConnected((c) => {
      const source = c && c.getAttributes ? c : contact;
      const id = source.getContactId ? source.getContactId() : "";
      let phone = "";
      try { phone = source.getInitialConnection().getEndpoint().phoneNumber || ""; } catch { /* not a phone contact */ }
      onPop({ ...popFromAttributes(source.getAttributes()), contactId: id, phone });
    });
  });
}
